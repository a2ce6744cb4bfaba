import type { Role } from '@maskwatch/protocol/auth';
import type { CameraView } from '@maskwatch/protocol/camera';

/** What an operator reads instead of ffmpeg's own words (which tell "connection refused" from "invalid data"). */
export const SOURCE_UNAVAILABLE = 'the camera source is not available (an admin can see why)';

/**
 * A camera as `role` may see it: admins see everything; operators do not see RTSP source addresses (main or analysis stream) or raw ingest
 * errors, which would let any operator probe the network behind the server through the camera list.
 */
export function viewFor(view: CameraView, role: Role): CameraView {
  if (role === 'admin' || view.kind !== 'rtsp') return view;
  return { ...view, rtspUrl: null, analysisRtspUrl: null, statusDetail: view.status === 'error' ? SOURCE_UNAVAILABLE : view.statusDetail };
}
