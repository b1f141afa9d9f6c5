/** What training reports as it goes (declared with the IPC contract's other reports). */
export type { TrainProgress } from '../../shared/reports';
