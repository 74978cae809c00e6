#!/usr/bin/env node
/**
 * `npm run build:app`: the Databricks App's source folder, deploy/app. Beside its app.yaml and a package.json
 * without dependencies, it gets server/: the whole server in one script (self-contained-server.mjs), so the App
 * build installs nothing and runs no build of its own. `databricks bundle deploy` runs this first (databricks.yml,
 * artifacts) and uploads the folder.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSelfContainedServer } from './self-contained-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(REPO, 'deploy', 'app', 'server');

await buildSelfContainedServer(SERVER);
process.stdout.write(`build:app: ${path.relative(REPO, SERVER)}\n`);
