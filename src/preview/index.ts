/**
 * Public API of the preview intake: the camera's UDP preview as H.264 access units (PreviewReceiver),
 * shared per camera by every output (LivePreview), over one UDP socket per port (PreviewPorts).
 */
export { PreviewReceiver } from './receiver';
export type { PreviewReceiverOptions, PreviewReceiverState, PreviewReceiverStats } from './receiver';
export { LivePreview } from './live-preview';
export type { LivePreviewOptions } from './live-preview';
export { PreviewPorts } from './port';
export type { PortMembership } from './port';
export { PreviewAssembler } from './assembler';
export type { PreviewAssemblerOptions, PreviewStats } from './assembler';
export { PreviewDefaults } from './defaults';
