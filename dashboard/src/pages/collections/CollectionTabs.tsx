import { Link } from '../../router';

/** The two views of one collection, side by side in its page header. */
export function CollectionTabs({ name, current }: { name: string; current: 'schema' | 'records' }) {
  const base = `/collections/${encodeURIComponent(name)}`;
  const tab = (to: string, label: string, active: boolean) => (
    <Link to={to} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>{label}</Link>
  );
  return (
    <nav className="tabs" aria-label={`Collection ${name}`}>
      <Link to="/collections" className="tab">All collections</Link>
      {tab(`${base}/records`, 'Records', current === 'records')}
      {tab(base, 'Schema', current === 'schema')}
    </nav>
  );
}
