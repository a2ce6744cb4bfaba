/** The file URL of `source` (an absolute path to a .ts entry of this package) bundled into one ES module. */
export function bundled(source: string): Promise<URL>;
