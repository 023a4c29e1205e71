// zeromq.js refuses send() and receive() on a socket whose bind() has not yet completed on the
// main thread ("Socket is blocked by a bind or unbind operation", EBUSY). tslab starts its
// receive loops before it binds and answers without waiting, so on a loaded machine a client's
// first kernel_info request can arrive through a socket that is already listening but not yet
// marked bound: the reply and the next receive are refused, the rejection is unhandled, and
// the kernel never answers. Here every send() and receive() first waits for the socket's
// pending bind (and unbind), so that order no longer matters.
'use strict';

/**
 * Makes the sockets of the given zeromq module wait for their own bind before they send or
 * receive. zeromq's bind is not redefinable on its base class, so each socket class (Router,
 * Publisher, Reply, ...) gets the guarded methods on its own prototype.
 */
function guardBinds(zmq) {
  const base = zmq.Socket.prototype;
  const pending = new WeakMap(); // socket -> promise of its latest bind/unbind, settled either way
  const tracked = (original) =>
    function (...args) {
      const done = original.apply(this, args);
      pending.set(this, done.then(() => undefined, () => undefined));
      return done;
    };
  const waiting = (original) =>
    function (...args) {
      const bind = pending.get(this);
      if (bind === undefined) return original.apply(this, args);
      return bind.then(() => {
        pending.delete(this);
        return original.apply(this, args);
      });
    };
  const methods = { bind: tracked, unbind: tracked, send: waiting, receive: waiting };
  for (const kind of Object.values(zmq)) {
    if (typeof kind !== 'function' || !(kind.prototype instanceof zmq.Socket)) continue;
    const proto = kind.prototype;
    if (Object.prototype.hasOwnProperty.call(proto, '__sslmemBindGuard')) continue;
    for (const [name, wrap] of Object.entries(methods)) {
      if (typeof base[name] !== 'function' || Object.prototype.hasOwnProperty.call(proto, name)) continue;
      Object.defineProperty(proto, name, { configurable: true, writable: true, value: wrap(base[name]) });
    }
    Object.defineProperty(proto, '__sslmemBindGuard', { value: true });
  }
}

module.exports = { guardBinds };
