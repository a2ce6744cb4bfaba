import { z } from 'zod';

/** How ONNX sessions run; parsed from CLI flags or the server's config. */
export const SessionConfigSchema = z
  .object({
    /** `cuda` is used when onnxruntime can load it, else the session falls back to `cpu` with a warning. */
    executionProvider: z.enum(['cpu', 'cuda']).default('cpu'),
    /** Threads inside one operator; 0 lets onnxruntime choose (one per core). */
    intraOpThreads: z.number().int().nonnegative().default(0),
    /** Threads across independent operators; 0 lets onnxruntime choose. */
    interOpThreads: z.number().int().nonnegative().default(0),
    /**
     * Let idle onnxruntime threads busy-wait for work. Off by default: on a few shared cores the spinning threads
     * take CPU from the Node thread (resize, crops) and from each other; measured here it halved YuNet's throughput.
     */
    allowSpinning: z.boolean().default(false),
  })
  .strict();
export type SessionConfig = z.input<typeof SessionConfigSchema>;
export type ResolvedSessionConfig = z.output<typeof SessionConfigSchema>;
