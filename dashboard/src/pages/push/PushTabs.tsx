import { Link } from '../../router';

/** The two views of the Push page, in its header. */
export function PushTabs({ current }: { current: 'messages' | 'devices' }) {
  const tab = (to: string, label: string, active: boolean) => (
    <Link to={to} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>{label}</Link>
  );
  return (
    <nav className="tabs" aria-label="Push">
      {tab('/push', 'Messages', current === 'messages')}
      {tab('/push/devices', 'Devices', current === 'devices')}
    </nav>
  );
}
