/** The camera simulator: see camera-simulator.ts. */
export { CameraSimulator } from './camera-simulator';
export type { ClientInfo, SimulatorAddresses, SimulatorStats } from './camera-simulator';
export type { SimFile } from './file-store';
export { SimulatorDefaults } from './options';
export type { HttpCutFault, SimulatorFaults, SimulatorOptions } from './options';
