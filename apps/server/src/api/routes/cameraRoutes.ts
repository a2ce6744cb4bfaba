import { z } from 'zod';
import { CameraIdSchema, CreateCameraSchema, UpdateCameraSchema } from '@maskwatch/protocol/camera';
import type { CameraListResponse, CameraResponse } from '@maskwatch/protocol/http';
import type { CameraService } from '../../cameras/CameraService.ts';
import { defineRoute, type Route } from '../Route.ts';

const ById = z.object({ id: CameraIdSchema });

/** /api/cameras: everyone signed in lists and reads cameras; admins create, change and remove them. */
export function cameraRoutes(cameras: CameraService): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/cameras',
      access: 'operator',
      summary: 'every camera with its live state',
      handler: () => {
        const body: CameraListResponse = { cameras: cameras.views() };
        return { body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/cameras',
      access: 'admin',
      summary: 'add a browser or RTSP camera',
      body: CreateCameraSchema,
      handler: ({ body: input }) => {
        const camera = cameras.create(input);
        const body: CameraResponse = { camera: cameras.view(camera) };
        return { status: 201, body, headers: { location: `/api/cameras/${camera.id}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/cameras/:id',
      access: 'operator',
      summary: 'one camera with its live state',
      params: ById,
      handler: ({ params }) => {
        const body: CameraResponse = { camera: cameras.viewOf(params.id) };
        return { body };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/cameras/:id',
      access: 'admin',
      summary: 'rename, enable or disable a camera, switch its analysis, change its RTSP URL',
      params: ById,
      body: UpdateCameraSchema,
      handler: ({ params, body: changes }) => {
        const camera = cameras.update(params.id, changes); // not_found when there is no such camera
        const body: CameraResponse = { camera: cameras.view(camera) };
        return { body };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/cameras/:id',
      access: 'admin',
      summary: 'remove a camera (its publisher or ingest stops)',
      params: ById,
      handler: ({ params }) => {
        cameras.remove(params.id);
        return { status: 204 };
      },
    }),
  ];
}
