import { PageHeader } from '../components/PageHeader';
import { Link } from '../router';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no dashboard page at this address. <Link to="/">Back to the overview</Link>.</p>
    </>
  );
}
