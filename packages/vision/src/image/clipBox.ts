import type { Box } from '@maskwatch/protocol/faces';

/** `box` clipped to a width x height frame (the detector's boxes may reach past the edges). */
export function clipBox(box: Box, width: number, height: number): Box {
  return [
    Math.min(Math.max(box[0], 0), width),
    Math.min(Math.max(box[1], 0), height),
    Math.min(Math.max(box[2], 0), width),
    Math.min(Math.max(box[3], 0), height),
  ];
}
