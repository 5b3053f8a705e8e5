/** A coloured pill: green for good states, red for bad ones, grey otherwise. */
export function StatusBadge({ value, tone }: { value: string; tone?: 'good' | 'bad' | 'neutral' | 'warn' }) {
  const t = tone ?? (value === 'ok' ? 'good' : value === 'down' || value === 'unavailable' || value === 'failed' ? 'bad' : 'neutral');
  return <span className={`badge badge-${t}`}>{value}</span>;
}

export function HttpStatus({ status }: { status: number }) {
  const tone = status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'good';
  return <StatusBadge value={String(status)} tone={tone} />;
}
