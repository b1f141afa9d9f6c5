/** The names and shapes of a network's weights (free of tfjs, for validating files anywhere). */
import type { NetworkConfig } from './config';

export function paramNames(config: NetworkConfig): string[] {
  const names = ['embedding'];
  config.hidden.forEach((_, l) => names.push(`lstm${l}/W`, `lstm${l}/U`, `lstm${l}/b`));
  names.push('output/W', 'output/b');
  return names;
}

export function paramShapes(config: NetworkConfig, vocabSize: number): Map<string, number[]> {
  const shapes = new Map<string, number[]>([['embedding', [vocabSize, config.embedDim]]]);
  let inputs = config.embedDim;
  config.hidden.forEach((h, l) => {
    shapes.set(`lstm${l}/W`, [inputs, 4 * h]);
    shapes.set(`lstm${l}/U`, [h, 4 * h]);
    shapes.set(`lstm${l}/b`, [4 * h]);
    inputs = h;
  });
  shapes.set('output/W', [inputs, vocabSize]);
  shapes.set('output/b', [vocabSize]);
  return shapes;
}
