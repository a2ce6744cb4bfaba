/**
 * Which temporal layer of a layered camera (VP8 `L1T3` from the camera page) the analysis consumer takes: the
 * lowest whose frame rate covers the analysed rate with a margin, raised when the node measures less (a 15 fps
 * phone) and lowered when it measures twice what is needed. A decision core: no I/O, no clock; the owner feeds it
 * one measurement per stats period and applies the layer it returns.
 *
 * Layer L of T carries rate / 2^(T-1-L) frames per second. The top layer is never taken: its frames are references
 * of nothing, so the node's decoder skips them (`-skip_frame noref`) and taking it would add nothing decoded.
 */
export type TemporalLayerPolicyOptions = {
  /** Temporal layers of the producer's encoding (3 for L1T3); 1 = not layered. */
  layers: number;
  /** Frames per second the node analyses. */
  wantFps: number;
  /** The decoded rate should be at least wantFps x margin. */
  margin: number;
  /**
   * The camera's frame rate before anything is measured (15: a slow phone; a 30 fps camera then starts one layer
   * high and comes down two stats periods later, so the first seconds, when a new face is voted on, are not short).
   */
  assumedFps?: number;
  /** Measurements in a row that must agree before the layer changes. */
  patience?: number;
};

/** Temporal layers in a scalability mode (`L1T3` -> 3); 1 without one. */
export function temporalLayersOf(scalabilityMode: string | undefined): number {
  const match = /^L\d+T(\d+)/.exec(scalabilityMode ?? '');
  return match ? Math.max(1, Number(match[1])) : 1;
}

export class TemporalLayerPolicy {
  readonly layers: number;
  /** The highest layer the analysis may take. */
  readonly top: number;
  readonly #need: number;
  readonly #patience: number;
  #current: number;
  #short = 0;
  #ample = 0;
  /** The first measurement after a change still counts frames of the previous layer: ignored. */
  #settling = false;

  constructor(options: TemporalLayerPolicyOptions) {
    this.layers = Math.max(1, Math.floor(options.layers));
    this.top = Math.max(0, this.layers - 2);
    this.#need = options.wantFps * options.margin;
    this.#patience = Math.max(1, options.patience ?? 2);
    const assumed = options.assumedFps ?? 15;
    let layer = 0;
    while (layer < this.top && this.rateOf(layer, assumed) < this.#need) layer++;
    this.#current = layer;
  }

  get current(): number {
    return this.#current;
  }

  /** Frames per second of `layer` for a camera sending `cameraFps`. */
  rateOf(layer: number, cameraFps: number): number {
    return cameraFps / 2 ** (this.layers - 1 - layer);
  }

  /** One stats period's decoded frames per second on the node; returns the new layer when it changes. */
  observe(inputFps: number): number | undefined {
    if (this.#settling) {
      this.#settling = false;
      return undefined;
    }
    const short = inputFps < this.#need && this.#current < this.top;
    // Half of what this layer gives (the layer below) would still be enough.
    const ample = inputFps / 2 >= this.#need && this.#current > 0;
    this.#short = short ? this.#short + 1 : 0;
    this.#ample = ample ? this.#ample + 1 : 0;
    if (this.#short >= this.#patience) return this.#change(this.#current + 1);
    if (this.#ample >= this.#patience) return this.#change(this.#current - 1);
    return undefined;
  }

  #change(layer: number): number {
    this.#current = layer;
    this.#short = 0;
    this.#ample = 0;
    this.#settling = true;
    return layer;
  }
}
