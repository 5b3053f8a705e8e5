import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it.each([
    ['report.pdf', `inline; filename="report.pdf"; filename*=UTF-8''report.pdf`],
    ['a b.txt', `inline; filename="a b.txt"; filename*=UTF-8''a%20b.txt`],
    ['ünï 📄.txt', `inline; filename="_n_ _.txt"; filename*=UTF-8''%C3%BCn%C3%AF%20%F0%9F%93%84.txt`],
    ['say "hi"\\.txt', `inline; filename="say _hi__.txt"; filename*=UTF-8''say%20%22hi%22%5C.txt`],
    ["it's (1)*.txt", `inline; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`],
    ['../../x', `inline; filename="../../x"; filename*=UTF-8''..%2F..%2Fx`],
    ['%2e%2e%2f', `inline; filename="_2e_2e_2f"; filename*=UTF-8''%252e%252e%252f`],
  ])('encodes %j', (name, expected) => {
    expect(contentDisposition('inline', name)).toBe(expected);
  });

  it('never lets a name end the header value or add a parameter', () => {
    const header = contentDisposition('attachment', 'x"; filename="evil.html');
    expect(header.startsWith('attachment; filename="x_; filename=_evil.html"; filename*=')).toBe(true);
    expect(header.match(/"/g)).toHaveLength(2);
  });
});
