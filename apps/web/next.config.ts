import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The protocol package ships TypeScript sources ("just-in-time" internal package).
  transpilePackages: ['@maskwatch/protocol'],
  reactStrictMode: true,
  poweredByHeader: false,
  // The server runs the build through its own Node process; no telemetry, no image optimiser needed.
  images: { unoptimized: true },
  turbopack: {
    // @mediapipe/face_detection has no module exports (it sets window.FaceDetection); see the stand-in's comment.
    resolveAlias: { '@mediapipe/face_detection': './src/vendor/mediapipeFaceDetection.ts' },
  },
};

export default nextConfig;
