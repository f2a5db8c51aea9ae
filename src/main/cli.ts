import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { createApiKey, ensureWorkspace } from '../core/api-keys.js';
import { openDatabase } from '../store/database.js';
import { SecretRotationError } from '../store/rotate-sealed-secrets.js';
import { WrongSecretKeyError } from '../store/sealed-secrets.js';
import { EvalCommandError, formatEval, runEval } from './eval-command.js';
import { rotateSecretKey, SecretRotationCommandError } from './rotate-secret-key.js';
import { startServer } from './serve.js';

const USAGE = `Usage:
  docsort serve                       start the API server and worker (what npm start runs)
  docsort keys create [--workspace N] print a new API key (a new workspace when N is new; default "default")
  docsort secrets rotate [--new-key K] re-seal the stored secrets with a new key K (base64 or hex; generated
                                      when omitted), then restart every process with it (README "Rotating
                                      the secret key")
  docsort eval <folder> (--config file.json | --classifier cl_...) [--examples N [--repeat R]] [--version V] [--seed S] [--json]
                                      score a classifier on a folder of class-named subfolders of documents;
                                      --examples N first teaches it N documents per class (not scored);
                                      --repeat R draws the examples R times and pools the scores

Configuration comes from the environment; see README.md and .env.example.`;

async function serve(config: Config): Promise<void> {
  const server = await startServer(config);
  const key = server.apiKey ?? '(existing keys are hashed; create one with `npx docsort keys create`)';
  process.stdout.write(
    `\nDocsort is running at ${server.url}\n` +
      `  API key:   ${key}\n` +
      `  Dashboard: ${server.url}/ (sign in with the API key)\n` +
      `  Database:  ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}\n` +
      `  Try:       curl -H "Authorization: Bearer ${server.apiKey ?? 'sk_...'}" -H "x-extend-api-version: 2026-02-09" ${server.url}/classifiers\n\n`,
  );
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    process.stdout.write(`Received ${signal}, finishing in-flight work...\n`);
    server.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function keysCreate(config: Config, workspace: string): Promise<void> {
  const database = await openDatabase(config.database);
  try {
    const now = new Date();
    const ws = await ensureWorkspace(database.db, workspace, now);
    const key = await createApiKey(database.db, ws.id, `cli-${now.toISOString()}`, now);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`${ws.created ? 'Created workspace' : 'Workspace'} "${workspace}" (${ws.id}).\n`);
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      'new-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string' },
      classifier: { type: 'string' },
      examples: { type: 'string' },
      version: { type: 'string' },
      seed: { type: 'string' },
      repeat: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig(process.env);
  const [cmd, sub] = positionals;
  if (cmd === 'serve' || cmd === undefined) return serve(config);
  if (cmd === 'keys' && sub === 'create') return keysCreate(config, values.workspace ?? 'default');
  if (cmd === 'secrets' && sub === 'rotate') {
    await rotateSecretKey(config, {
      newKey: values['new-key'],
      out: (line) => process.stdout.write(`${line}\n`),
    });
    return;
  }
  if (cmd === 'eval') {
    if (!sub) throw new UsageError('docsort eval needs a folder');
    const examples = Number(values.examples ?? '0');
    if (!Number.isInteger(examples) || examples < 0)
      throw new UsageError('--examples must be a whole number');
    const repeat = Number(values.repeat ?? '1');
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
      throw new UsageError('--repeat must be a whole number from 1 to 100');
    const result = await runEval(
      config,
      {
        folder: sub,
        configFile: values.config,
        classifierId: values.classifier,
        examples,
        version: values.version,
        seed: Number(values.seed ?? '1'),
        repeat,
        json: values.json === true,
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    const json =
      result.draws.length > 1
        ? { object: 'docsort_eval', metrics: result.metrics, draws: result.draws }
        : result.run;
    process.stdout.write(`${values.json ? JSON.stringify(json, null, 2) : formatEval(result)}\n`);
    return;
  }
  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else if (err instanceof EvalCommandError) process.stderr.write(`docsort eval: ${err.message}\n`);
  else if (
    err instanceof SecretRotationCommandError ||
    err instanceof SecretRotationError ||
    err instanceof WrongSecretKeyError
  )
    process.stderr.write(`docsort secrets rotate: ${err.message}\n`);
  else if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${USAGE}\n`);
  else if (err instanceof Error && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
  } else process.stderr.write(`docsort: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
