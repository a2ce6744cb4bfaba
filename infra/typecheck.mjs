#!/usr/bin/env node
// Type-checks every TypeScript project of the repository (each workspace with a tsconfig.json, and test/; see
// workspaces.mjs), or the project folders given, in one process: files that several projects read with the same
// settings (TypeScript's libs, @types/node, the packages' own sources) are parsed once, not once per project.
// Prints the diagnostics like tsc; exits non-zero when any project has one.
//
//   node infra/typecheck.mjs                 # everything
//   node infra/typecheck.mjs apps/server     # one project
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT, typescriptProjects } from './workspaces.mjs';

const projects = process.argv.length > 2 ? process.argv.slice(2) : typescriptProjects();

/** Options that change how a file is parsed or bound: files are shared only between projects that agree on them. */
const PARSE_KEYS = ['target', 'module', 'moduleResolution', 'jsx', 'strict', 'alwaysStrict', 'allowJs', 'checkJs', 'moduleDetection', 'verbatimModuleSyntax'];
const sourceFiles = new Map();

function createHost(options) {
  const host = ts.createCompilerHost(options, true);
  const bucket = JSON.stringify(PARSE_KEYS.map((key) => options[key]));
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNew) => {
    const key = `${bucket}|${JSON.stringify(languageVersionOrOptions)}|${fileName}`;
    if (!shouldCreateNew) {
      const known = sourceFiles.get(key);
      if (known) return known;
    }
    const file = read(fileName, languageVersionOrOptions, onError, shouldCreateNew);
    if (file) sourceFiles.set(key, file);
    return file;
  };
  return host;
}

const format = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

let problems = 0;
// The root tsconfig.json's references (what an editor opens) name the same projects, so neither list drifts.
if (process.argv.length <= 2) {
  const root = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config ?? {};
  const referenced = new Set((root.references ?? []).map((r) => r.path.replace(/^\.\//, '').replace(/\/$/, '')));
  for (const project of projects) {
    if (!referenced.has(project)) {
      console.error(`tsconfig.json: add { "path": "${project}" } to its references`);
      problems++;
    }
  }
}
for (const project of projects) {
  const started = Date.now();
  const configPath = join(resolve(ROOT, project), 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      process.stderr.write(ts.formatDiagnosticsWithColorAndContext([d], format));
      problems++;
    },
  });
  if (!parsed) continue;
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host: createHost(parsed.options), projectReferences: parsed.projectReferences });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  problems += diagnostics.length;
  if (diagnostics.length > 0) process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, format));
  console.log(`typecheck ${project}: ${diagnostics.length === 0 ? 'ok' : `${diagnostics.length} error(s)`} (${parsed.fileNames.length} files, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(problems === 0 ? 0 : 1);
