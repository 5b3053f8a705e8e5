import type { ReactNode } from 'react';
import { PAGES } from '../routes';
import { Link } from '../router';
import { useSession } from '../session';

export function Layout({ current, children }: { current: string | undefined; children: ReactNode }) {
  const { admin, signOut } = useSession();
  return (
    <div className="layout">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> Basalt
        </div>
        <nav aria-label="Main">
          {PAGES.map((page) => (
            <Link
              key={page.segment}
              to={`/${page.segment}`}
              className={page.segment === current ? 'nav-link active' : 'nav-link'}
              aria-current={page.segment === current ? 'page' : undefined}
            >
              {page.label}
            </Link>
          ))}
        </nav>
        <div className="sidebar-footer">
          <div className="admin-email" title={admin.email}>{admin.email}</div>
          <button type="button" className="secondary small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
