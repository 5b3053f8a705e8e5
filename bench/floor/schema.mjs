// The floor's tables: the same columns, types and indexes Basalt generates for the bench
// collections (see apps/server/src/collections/schema/schema-ddl.ts), without anything else.
export const FLOOR_DDL = `
CREATE TABLE users (
  "id" uuid PRIMARY KEY,
  "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "email" text NOT NULL UNIQUE,
  "name" text
);
CREATE TABLE credentials ("user_id" uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE, "password_hash" text NOT NULL);
CREATE TABLE sessions (
  "id" uuid PRIMARY KEY,
  "user_id" uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  "refresh_hash" text NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "expires_at" timestamptz NOT NULL
);
CREATE TABLE items (
  "id" uuid PRIMARY KEY,
  "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "title" text, "score" double precision, "published" boolean, "body" text
);
CREATE INDEX items_score ON items ("score");
CREATE TABLE owned (
  "id" uuid PRIMARY KEY,
  "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  "title" text, "score" double precision, "published" boolean, "body" text,
  "owner" uuid REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX owned_owner_score ON owned ("owner", "score");
`;
