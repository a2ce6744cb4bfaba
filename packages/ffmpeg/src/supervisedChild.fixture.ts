// A process that runs one supervised ffmpeg and prints its pid, for the test that kills this process with -9 and
// expects the kernel to take the ffmpeg with it (FfmpegSupervisor.test.ts).
import { FfmpegSupervisor } from './FfmpegSupervisor.ts';

const supervisor = new FfmpegSupervisor({
  name: 'fixture',
  ffmpegPath: process.env.MASKWATCH_FFMPEG ?? 'ffmpeg',
  prepare: () => ({
    args: ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10', '-f', 'null', '-'],
  }),
  startTimeoutMs: 0,
});
supervisor.on('spawn', (child) => process.stdout.write(`FFMPEG_PID ${child.pid}\n`));
supervisor.start();
