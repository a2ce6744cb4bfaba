/**
 * Where live analyses go: a new camera to the node with the most headroom (analysed frames per second it can still
 * take, as it reports them), and one camera at a time off a node that has stayed short (analysing less than its
 * cameras want, with no headroom) for `shortForMs`, when another node can take it. A decision core: no I/O and no
 * clock of its own; the InferenceManager feeds it node stats and applies what it decides.
 */
export type PlacementOptions = {
  /** A node short for this long gives up a camera. */
  shortForMs: number;
  /** After a move, a node gives up no other camera for this long (its stats need time to show the change). */
  moveCooldownMs: number;
};

/** What the placement knows of a node. */
export type PlacementNode = {
  id: string;
  cameras: readonly string[];
  maxCameras: number;
  /** Frames per second it analyses per camera (what one more camera costs it). */
  fps: number;
};

/** A node's figures from its latest stats. */
export type NodeLoad = {
  /** Analysed frames per second it could still take (negative: it is over capacity). */
  headroomFps: number;
  /** Frames per second its cameras want analysed, and how many it analysed. */
  wantedFps: number;
  analysedFps: number;
};

export type Move = { cameraId: string; from: string; to: string };

type NodeState = { load: NodeLoad | undefined; pendingFps: number; shortSince: number | undefined; lastMoveAt: number };

export class Placement {
  readonly #options: PlacementOptions;
  readonly #nodes = new Map<string, NodeState>();

  constructor(options: PlacementOptions) {
    this.#options = options;
  }

  /** A node's latest stats at `now` (server clock). */
  observe(nodeId: string, load: NodeLoad, now: number): void {
    const state = this.#state(nodeId);
    state.load = load;
    state.pendingFps = 0;
    const short = load.headroomFps < 0 && load.analysedFps < 0.9 * load.wantedFps;
    if (!short) state.shortSince = undefined;
    else state.shortSince ??= now;
  }

  /** The node left. */
  forget(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  /** Headroom now: the latest stats, less what was assigned since; a node without stats yet has its free slots. */
  headroomOf(node: PlacementNode): number {
    const state = this.#nodes.get(node.id);
    const free = (node.maxCameras - node.cameras.length) * node.fps;
    return state?.load ? Math.min(state.load.headroomFps - state.pendingFps, free) : free;
  }

  /** The node a new camera goes to: room for it, the most headroom (ties: fewer cameras); undefined: none has room. */
  pick(nodes: readonly PlacementNode[], exclude?: string): PlacementNode | undefined {
    let best: PlacementNode | undefined;
    let bestHeadroom = Number.NEGATIVE_INFINITY;
    for (const node of nodes) {
      if (node.id === exclude || node.cameras.length >= node.maxCameras) continue;
      const headroom = this.headroomOf(node);
      if (headroom > bestHeadroom || (headroom === bestHeadroom && best && node.cameras.length < best.cameras.length)) {
        best = node;
        bestHeadroom = headroom;
      }
    }
    return best;
  }

  /** Records a camera given to a node (its frames count against the node's headroom until the next stats). */
  assigned(node: PlacementNode): void {
    this.#state(node.id).pendingFps += node.fps;
  }

  /**
   * Moves due at `now`: from each node short for `shortForMs` (and not moved from lately), its newest camera to
   * the node with the most headroom, if that one can take a camera's frames.
   */
  moves(nodes: readonly PlacementNode[], now: number): Move[] {
    const moves: Move[] = [];
    for (const node of nodes) {
      const state = this.#nodes.get(node.id);
      if (state?.shortSince === undefined || now - state.shortSince < this.#options.shortForMs) continue;
      if (now - state.lastMoveAt < this.#options.moveCooldownMs) continue;
      const cameraId = node.cameras.at(-1);
      if (cameraId === undefined) continue;
      const target = this.pick(nodes, node.id);
      if (!target || this.headroomOf(target) < node.fps) continue;
      moves.push({ cameraId, from: node.id, to: target.id });
      state.lastMoveAt = now;
      state.shortSince = undefined;
      this.assigned(target);
    }
    return moves;
  }

  #state(nodeId: string): NodeState {
    let state = this.#nodes.get(nodeId);
    if (!state) this.#nodes.set(nodeId, (state = { load: undefined, pendingFps: 0, shortSince: undefined, lastMoveAt: Number.NEGATIVE_INFINITY }));
    return state;
  }
}
