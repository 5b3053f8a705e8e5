import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../format';
import type { PageProps } from '../routes';
import { Link, navigate } from '../router';
import { CollectionSchemaPage } from './collections/CollectionSchemaPage';
import { SchemaEditor } from './collections/SchemaEditor';
import { useCollections } from './collections/useCollections';
import { RecordsPage } from './RecordsPage';

/** `/collections`, `/collections/:name` (schema) and `/collections/:name/records`. */
export function CollectionsPage({ params }: PageProps) {
  const [name, view] = params;
  if (name && view === 'records') return <RecordsPage key={name} name={name} />;
  if (name) return <CollectionSchemaPage key={name} name={name} />;
  return <CollectionList />;
}

function CollectionList() {
  const collections = useCollections();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Collections"
        description="Each collection is a table with its own fields, API rules and records."
        actions={!creating && <button type="button" onClick={() => setCreating(true)}>New collection</button>}
      />
      {creating && (
        <SchemaEditor
          collections={collections.items}
          onCancel={() => setCreating(false)}
          onSaved={(saved) => navigate(`/collections/${encodeURIComponent(saved.name)}`)}
        />
      )}
      <section className="card">
        <ErrorNotice error={collections.error} />
        {collections.data && (
          <table className="table clickable" aria-label="Collections">
            <thead>
              <tr><th>Name</th><th>Kind</th><th className="num">Fields</th><th>Updated</th><th /></tr>
            </thead>
            <tbody>
              {collections.items.map((c) => (
                <tr key={c.id} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/collections/${encodeURIComponent(c.name)}/records`)}>
                  <td className="strong"><Link to={`/collections/${encodeURIComponent(c.name)}/records`}>{c.name}</Link></td>
                  <td><StatusBadge value={c.kind} tone={c.kind === 'auth' ? 'warn' : 'neutral'} /></td>
                  <td className="num">{c.fields.length}</td>
                  <td className="nowrap">{formatDate(c.updatedAt)}</td>
                  <td className="row-actions">
                    <Link to={`/collections/${encodeURIComponent(c.name)}`} className="button secondary small">Edit schema</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
