import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { PublishLinkListResponse, PublishLinkResponse } from '@maskwatch/protocol/auth';
import { CameraIdSchema, CreateCameraSchema, UpdateCameraSchema, type Camera } from '@maskwatch/protocol/camera';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { CameraListResponse, CameraResponse } from '@maskwatch/protocol/http';
import type { AccessControl } from '../../auth/AccessControl.ts';
import { viewFor } from '../../auth/viewFor.ts';
import { refusedSource } from '../../cameras/CameraNetworkPolicy.ts';
import type { CameraService } from '../../cameras/CameraService.ts';
import type { Caller } from '../../auth/Caller.ts';
import { defineRoute, type Route } from '../Route.ts';

const ById = z.object({ id: CameraIdSchema });

/** The camera page link that carries `token` in its fragment (never sent to a server, never in a Referer). */
export function publishUrl(access: AccessControl, req: IncomingMessage, token: string): string {
  return `${access.guard.originOf(req)}/camera#token=${token}`;
}

/**
 * /api/cameras: everyone signed in lists and reads cameras (operators without RTSP sources and raw errors); admins
 * create, change and remove them and manage browser cameras' publish links. Changes are audited.
 */
export function cameraRoutes(cameras: CameraService, access: AccessControl): Route[] {
  const { audit, tokens, settings } = access;
  const role = (caller: Caller) => caller.user?.role ?? 'operator';
  const checkSource = async (url: string, path: 'rtspUrl' | 'analysisRtspUrl' = 'rtspUrl') => {
    const refused = await refusedSource(url, settings.get().cameraNetworks);
    if (refused)
      throw new MaskwatchError('bad_request', `${path}: ${refused}`, [
        { path, message: `${refused}; an admin may allow the network in Settings` },
      ]);
  };
  const browserCamera = (id: string): Camera => {
    const camera = cameras.get(id);
    if (!camera) throw new MaskwatchError('not_found', `no camera ${id}`);
    if (camera.kind !== 'browser') throw new MaskwatchError('conflict', 'only browser cameras have publish links');
    return camera;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/cameras',
      access: 'operator',
      summary: 'every camera with its live state',
      handler: ({ caller }) => {
        const body: CameraListResponse = { cameras: cameras.views().map((view) => viewFor(view, role(caller))) };
        return { body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/cameras',
      access: 'admin',
      summary: 'add a browser camera (answered with its publish link) or an RTSP camera',
      body: CreateCameraSchema,
      handler: async ({ req, body: input, caller }) => {
        if (input.kind === 'rtsp') await checkSource(input.rtspUrl);
        if (input.kind === 'rtsp' && input.analysisRtspUrl) await checkSource(input.analysisRtspUrl, 'analysisRtspUrl');
        const camera = cameras.create(input);
        audit.record(caller, 'camera.create', camera.id, { name: camera.name, kind: camera.kind });
        const body: CameraResponse = { camera: cameras.view(camera) };
        if (camera.kind === 'browser') {
          const { token } = tokens.issue(camera.id, caller.user?.id ?? null);
          body.publishUrl = publishUrl(access, req, token);
        }
        return { status: 201, body, headers: { location: `/api/cameras/${camera.id}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/cameras/:id',
      access: 'operator',
      summary: 'one camera with its live state',
      params: ById,
      handler: ({ params, caller }) => {
        const body: CameraResponse = { camera: viewFor(cameras.viewOf(params.id), role(caller)) };
        return { body };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/cameras/:id',
      access: 'admin',
      summary: 'rename, enable or disable a camera, switch its analysis, change its RTSP URL or analysis stream',
      params: ById,
      body: UpdateCameraSchema,
      handler: async ({ params, body: changes, caller }) => {
        if (changes.rtspUrl !== undefined) await checkSource(changes.rtspUrl);
        if (changes.analysisRtspUrl) await checkSource(changes.analysisRtspUrl, 'analysisRtspUrl');
        const camera = cameras.update(params.id, changes); // not_found when there is no such camera
        // Which fields changed, not their values (an RTSP URL may carry credentials).
        audit.record(caller, 'camera.update', camera.id, {
          name: camera.name,
          changed: Object.keys(changes),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
          ...(changes.analysisEnabled !== undefined ? { analysisEnabled: changes.analysisEnabled } : {}),
        });
        const body: CameraResponse = { camera: cameras.view(camera) };
        return { body };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/cameras/:id',
      access: 'admin',
      summary: 'remove a camera (its publisher or ingest stops, its publish link dies)',
      params: ById,
      handler: ({ params, caller }) => {
        const name = cameras.get(params.id)?.name;
        cameras.remove(params.id);
        audit.record(caller, 'camera.remove', params.id, { name });
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/publish-links',
      access: 'admin',
      summary: 'which browser cameras have a publish link, since when (never the token)',
      handler: () => {
        const body: PublishLinkListResponse = { links: tokens.list() };
        return { body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/cameras/:id/publish-link',
      access: 'admin',
      summary: "make a new publish link for a browser camera (the old one stops at once)",
      params: ById,
      handler: ({ req, params, caller }) => {
        const camera = browserCamera(params.id);
        const { token, record } = tokens.issue(camera.id, caller.user?.id ?? null);
        audit.record(caller, 'camera.link_issue', camera.id, { name: camera.name });
        const body: PublishLinkResponse = { cameraId: camera.id, publishUrl: publishUrl(access, req, token), createdAt: record.createdAt };
        return { status: 201, body };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/cameras/:id/publish-link',
      access: 'admin',
      summary: "revoke a browser camera's publish link (its page stops publishing at once)",
      params: ById,
      handler: ({ params, caller }) => {
        const camera = browserCamera(params.id);
        if (!tokens.revoke(camera.id)) throw new MaskwatchError('not_found', `camera ${camera.id} has no publish link`);
        audit.record(caller, 'camera.link_revoke', camera.id, { name: camera.name });
        return { status: 204 };
      },
    }),
  ];
}
