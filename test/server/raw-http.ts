import { connect } from 'node:net'

/**
 * Raw HTTP/1.1 over a net socket, for what fetch and node:http refuse to send or hide (a Host the
 * URL parser refuses, a body that never ends, a connection the server closes unanswered).
 */

/**
 * Writes `head` on a new connection (and half-closes it with the same write when `halfClose`, as an
 * HTTP/1.0-style client does) and answers everything the server wrote before it closed.
 */
export function rawRequest(port: number, head: string, halfClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => (halfClose ? socket.end(head) : socket.write(head)))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      answer += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(answer))
  })
}

/** A GET that asks the server to close the connection after its answer. */
export const rawGet = (path: string, host: string) => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`

/** The status line's code (NaN when the server wrote nothing), and the body after the head. */
export function parseAnswer(answer: string): { status: number; body: string } {
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }
}

export interface RawConnection {
  write(data: string): void
  /** Resolves once the server's bytes so far contain `text`. */
  received(text: string): Promise<void>
  /** Everything the server wrote, once it closed the connection. */
  closed: Promise<string>
}

/** A connection the test writes to piece by piece (a body that never ends, headers left open). */
export function rawConnection(port: number): RawConnection {
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  const waiting: { text: string; resolve: () => void }[] = []
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    answer += chunk
    for (const w of waiting.filter((w) => answer.includes(w.text))) {
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve()
    }
  })
  // A reset (the server dropped the connection) is a close too.
  socket.on('error', () => {})
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)))
  return {
    write: (data) => socket.write(data),
    received: (text) => (answer.includes(text) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve }))),
    closed,
  }
}
