import type { Database } from '@maskwatch/db/Database';
import { SettingsRepository } from '@maskwatch/db/SettingsRepository';
import { SettingsSchema, type Settings, type UpdateSettings } from '@maskwatch/protocol/auth';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import type { CameraNetworks } from '../cameras/CameraNetworkPolicy.ts';

export type SettingsServiceEvents = { changed: [settings: Settings] };

/** Run-time settings an admin changes (open enrolment, camera networks), persisted, read through their schema. */
export class SettingsService extends EnhancedEmitter<SettingsServiceEvents> {
  readonly #repo: SettingsRepository;
  readonly defaultCameraNetworks: CameraNetworks;

  constructor(db: Database, defaults: { cameraNetworks: CameraNetworks }) {
    super();
    this.#repo = new SettingsRepository(db);
    this.defaultCameraNetworks = defaults.cameraNetworks;
  }

  get(): Settings {
    const openEnrolment = SettingsSchema.shape.openEnrolment.safeParse(this.#repo.get('openEnrolment'));
    const cameraNetworks = SettingsSchema.shape.cameraNetworks.safeParse(this.#repo.get('cameraNetworks'));
    return {
      openEnrolment: openEnrolment.success ? openEnrolment.data : false,
      cameraNetworks: cameraNetworks.success ? cameraNetworks.data : this.defaultCameraNetworks,
    };
  }

  update(changes: UpdateSettings): Settings {
    if (changes.openEnrolment !== undefined) this.#repo.set('openEnrolment', changes.openEnrolment);
    if (changes.cameraNetworks !== undefined) this.#repo.set('cameraNetworks', changes.cameraNetworks);
    const settings = this.get();
    this.safeEmit('changed', settings);
    return settings;
  }
}
