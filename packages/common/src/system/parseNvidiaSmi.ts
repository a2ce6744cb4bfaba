/** nvidia-smi's CSV answers (`--format=csv,noheader,nounits`), parsed. Fields it cannot give ("[N/A]") are null. */

export type GpuReading = {
  index: number;
  name: string;
  /** 0..1 */
  utilisation: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  temperatureCelsius: number | null;
  powerWatts: number | null;
};

/** The query that `parseGpuCsv` reads, in this order. */
export const GPU_QUERY = 'index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw';
/** The query that `parseProcessCsv` reads. */
export const PROCESS_QUERY = 'pid,used_memory';

const MIB = 1024 * 1024;

function number(field: string | undefined): number | null {
  if (field === undefined) return null;
  const value = Number(field.trim());
  return field.trim() !== '' && Number.isFinite(value) ? value : null;
}

/** One GPU per line; lines that do not parse are skipped. */
export function parseGpuCsv(text: string): GpuReading[] {
  const gpus: GpuReading[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(',');
    // A GPU name may itself contain commas: the five numeric fields after it are taken from the end.
    if (fields.length < 7) continue;
    const tail = fields.slice(-5);
    const index = number(fields[0]);
    const name = fields.slice(1, -5).join(',').trim();
    const [utilisation, used, total, temperature, power] = tail.map(number);
    if (index === null || used == null || total == null) continue;
    gpus.push({
      index,
      name,
      utilisation: utilisation == null ? 0 : Math.min(1, Math.max(0, utilisation / 100)),
      memoryUsedBytes: used * MIB,
      memoryTotalBytes: total * MIB,
      temperatureCelsius: temperature ?? null,
      powerWatts: power ?? null,
    });
  }
  return gpus;
}

/** GPU memory per process id (summed over GPUs). */
export function parseProcessCsv(text: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const line of text.split('\n')) {
    const [pidField, memoryField] = line.split(',');
    const pid = number(pidField);
    const memory = number(memoryField);
    if (pid === null || memory === null) continue;
    byPid.set(pid, (byPid.get(pid) ?? 0) + memory * MIB);
  }
  return byPid;
}
