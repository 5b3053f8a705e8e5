import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { navigate } from '../../router';
import { CollectionTabs } from './CollectionTabs';
import { DeleteCollection } from './DeleteCollection';
import { SchemaEditor } from './SchemaEditor';
import { useCollections } from './useCollections';

/** `/collections/:name`: the schema editor of one collection, and deleting it. */
export function CollectionSchemaPage({ name }: { name: string }) {
  const collections = useCollections();
  const collection = collections.find(name);

  return (
    <>
      <PageHeader title={name} description="Schema: fields, indexes and API rules." actions={<CollectionTabs name={name} current="schema" />} />
      <ErrorNotice error={collections.error} />
      {collections.data && !collection && <p className="empty">There is no collection named {name}.</p>}
      {collection && (
        <>
          <SchemaEditor
            key={collection.updatedAt}
            collection={collection}
            collections={collections.items}
            onSaved={(saved) => {
              if (saved.name !== name) navigate(`/collections/${encodeURIComponent(saved.name)}`, { replace: true });
              else collections.reload();
            }}
          />
          <DeleteCollection collection={collection} onDeleted={() => navigate('/collections')} />
        </>
      )}
    </>
  );
}
