import { parseS3Endpoint } from './s3-blob-store.driver.js';

describe('parseS3Endpoint', () => {
  it.each([
    ['http://127.0.0.1:9000', { endPoint: '127.0.0.1', port: 9000, useSSL: false }],
    ['http://minio:9000/', { endPoint: 'minio', port: 9000, useSSL: false }],
    ['https://s3.eu-west-1.amazonaws.com', { endPoint: 's3.eu-west-1.amazonaws.com', port: 443, useSSL: true }],
    ['http://localhost', { endPoint: 'localhost', port: 80, useSSL: false }],
    ['http://[::1]:9000', { endPoint: '::1', port: 9000, useSSL: false }],
  ])('reads %s', (url, expected) => {
    expect(parseS3Endpoint(url)).toEqual(expected);
  });

  it.each([
    ['not a url', /expected a URL/],
    ['ftp://host:21', /scheme must be http or https/],
    ['http://host:9000/bucket', /without path/],
    ['http://user:secret@host:9000', /without path, query or credentials/],
  ])('refuses %s without echoing it', (url, message) => {
    expect(() => parseS3Endpoint(url)).toThrow(message);
    expect(() => parseS3Endpoint(url)).not.toThrow(/secret/);
  });
});
