import pg from 'pg';

/** The role the app connects as on its embedded server: it owns the database, and nothing more. */
export const OWNER_ROLE = 'movie_reco';

/** The relations a database holds in `public` that the owner role does not own yet. */
const NOT_OWNED = `
  SELECT c.relname AS name, c.relkind AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND pg_get_userbyid(c.relowner) <> $1`;

const ALTER_KIND: Record<string, string> = {
  r: 'TABLE',
  p: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  f: 'FOREIGN TABLE',
};

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** ALTER ROLE and CREATE ROLE take no parameters: a literal with its quotes doubled. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Makes `database` owned by a login role that is not a superuser, with `password`, and hands it
 * what the superuser made there before (a folder from when the app connected as the superuser):
 * so a stolen connection of the app cannot read files of the server (`pg_read_file`, the
 * postmaster's environment), run programs (`COPY … TO PROGRAM`) or create roles. Idempotent; run
 * as the superuser on every start.
 */
export async function ensureOwnerRole(
  superuser: (database: string) => pg.Client,
  database: string,
  password: string,
): Promise<void> {
  const admin = superuser('postgres');
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [OWNER_ROLE]);
    const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    await admin.query(
      `${rowCount === 0 ? 'CREATE' : 'ALTER'} ROLE ${identifier(OWNER_ROLE)} ${attributes} PASSWORD ${literal(password)}`,
    );
    await admin.query(`ALTER DATABASE ${identifier(database)} OWNER TO ${identifier(OWNER_ROLE)}`);
  } finally {
    await admin.end();
  }
  const client = superuser(database);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; kind: string }>(NOT_OWNED, [OWNER_ROLE]);
    for (const { name, kind } of rows) {
      // A table's indexes and the sequences of its columns follow it.
      await client.query(`ALTER ${ALTER_KIND[kind]} ${identifier(name)} OWNER TO ${identifier(OWNER_ROLE)}`);
    }
  } finally {
    await client.end();
  }
}
