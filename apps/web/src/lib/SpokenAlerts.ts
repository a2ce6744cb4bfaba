import type { AlertEvent, AlertSay } from '@maskwatch/protocol/alerts';

/** Alerts remembered; the oldest are forgotten past this (an alert is spoken about within minutes). */
const REMEMBERED = 200;

/**
 * What a page has said aloud, per alert: the sentence is said once when the alert is raised and once per
 * reminder, never twice for the same one (a push delivered again after a reconnection, the same event through
 * two rooms). An alert's `reminders` counts the times it was told again, so the n-th saying of an alert is due
 * only when `reminders + 1` reaches n.
 */
export class SpokenAlerts {
  readonly #said = new Map<string, number>();

  /** Whether `event` asks to be said now and has not been said yet; if so, it is counted as said. */
  take(event: AlertEvent): boolean {
    if (!event.announce) return false;
    return this.#due(event.alert.id, event.alert.reminders + 1);
  }

  /** The same for `alert:say`, the first saying of a new alert, before the alert itself (`alert:raised`) comes. */
  takeSay(say: AlertSay): boolean {
    return this.#due(say.alertId, 1);
  }

  #due(alertId: string, due: number): boolean {
    const said = this.#said.get(alertId) ?? 0;
    if (said >= due) return false;
    this.#said.delete(alertId);
    this.#said.set(alertId, due);
    if (this.#said.size > REMEMBERED) this.#said.delete(this.#said.keys().next().value!);
    return true;
  }
}
