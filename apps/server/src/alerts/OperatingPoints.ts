import { ModelManifest } from '@maskwatch/vision/manifest/ModelManifest';
import { createLogger } from '../logger.ts';

const log = createLogger('OperatingPoints');

/** When a classifier declares no operating point (or is not in this server's manifest). */
export const DEFAULT_ALERT_MIN_SCORE = 0.6;

/**
 * The alert rule's confidence threshold per classifier, from `models/manifest.json` (`operatingPoint.alertMinScore`),
 * so that the rule and the model agree. The server may not hold the model files (the nodes do): only the entry is read.
 */
export class OperatingPoints {
  readonly #manifest: ModelManifest | undefined;
  readonly #warned = new Set<string>();

  constructor(manifestPath?: string) {
    try {
      this.#manifest = ModelManifest.load(manifestPath !== undefined ? { path: manifestPath } : {});
    } catch (error) {
      log.warn({ err: error }, `no model manifest: alerts use confidence ${DEFAULT_ALERT_MIN_SCORE}`);
    }
  }

  alertMinScore(classifier: string): number {
    const score = this.#manifest?.operatingPoint(classifier)?.alertMinScore;
    if (score !== undefined) return score;
    if (!this.#warned.has(classifier)) {
      this.#warned.add(classifier);
      log.info({ classifier }, `classifier declares no alertMinScore: alerts use ${DEFAULT_ALERT_MIN_SCORE}`);
    }
    return DEFAULT_ALERT_MIN_SCORE;
  }
}
