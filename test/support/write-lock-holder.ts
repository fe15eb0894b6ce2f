// An instance in the middle of a long embedded migration, for the migrate-once test: it holds the
// migration lock row with a lease that has lapsed (a synchronous migration cannot renew it) and the
// file's write lock, blocking its own thread as the migrator does, then commits and lets go.
import Database from 'libsql';

const [path, holdMs] = process.argv.slice(2) as [string, string];
const db = new Database(path);
db.exec('PRAGMA journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS user360_locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)');
db.prepare("INSERT INTO user360_locks (name, owner, expires_at) VALUES ('migrate', 'migrating', ?)").run(Date.now() - 1);
db.exec('BEGIN IMMEDIATE');
db.exec('CREATE TABLE being_migrated (x INTEGER)');
process.stdout.write(`held ${Date.now()}\n`);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs));
db.exec('COMMIT');
db.exec("DELETE FROM user360_locks WHERE name = 'migrate' AND owner = 'migrating'");
process.stdout.write(`released ${Date.now()}\n`);
db.close();
