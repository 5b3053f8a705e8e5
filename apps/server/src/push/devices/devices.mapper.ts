import type { Device } from '@basalt/contracts';
import type { DeviceRow } from './devices.repository.js';

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    platform: row.platform,
    token: row.token,
    userId: row.userId,
    topics: row.topics,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
