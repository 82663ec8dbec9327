/**
 * The proof a warm host gives between two cases (verified isolation): everything route code can
 * change in its realm is as it was when the host started, before any case. It runs inside the
 * runtime (node, deno, bun, edge-runtime's host), in plain JavaScript, with the intrinsics it uses
 * taken before any route code runs.
 *
 * What it compares, from the roots a host names (the global object, `process`, `Deno`, `Bun`, the
 * exports of the built-in modules its routes import):
 * - the object graph they reach: for each object, its prototype, whether it is extensible, and every
 *   own property in order (its key, its attributes, its value or its getter and setter), objects and
 *   symbols by identity, so a function swapped for another of the same name is a change; a Map's or
 *   a Set's entries; the value behind each getter of a "getter host" (the global object and the
 *   namespaces a host names), read as a route would read it;
 * - the facts a host adds (working folder, umask, exit code, timers and handles still open, storage).
 * The baseline walks the graph once; a proof then checks every object the baseline met against what
 * it was, by identity: if none changed, nothing new can be reached, so the graph is the baseline's.
 * A property whose value changes between two readings with no route code in between (a clock, a
 * counter of the runtime's own) is volatile: only its type is compared. Reading a lazy global (Node
 * defines `Headers` and others as getters that replace themselves with a value when first read)
 * puts the getter back, so the proof leaves the descriptors a fresh host shows.
 */

const { apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, isExtensible, ownKeys } = Reflect;
const { is } = Object;
const { stringify } = JSON;
const isPrototypeOf = Object.prototype.isPrototypeOf;
const MapProto = Map.prototype;
const SetProto = Set.prototype;
const MapEntries = Map.prototype.entries;
const SetValues = Set.prototype.values;

/** The most changes one proof lists. */
const MAX_CHANGES = 20;

/** Lets the runtime finish what it started (lazy loads, a stream's first tick) before a reading. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const isObject = (value) => value !== null && (typeof value === 'object' || typeof value === 'function');

/**
 * One object's own state: its prototype, extensibility, and each own property as [key, flags, value]
 * or [key, flags, getter, setter, value read through the getter]; a Map's or Set's entries after.
 */
function ownState(object, readsGetters) {
  const state = { proto: getPrototypeOf(object), extensible: isExtensible(object), props: [], entries: undefined };
  let keys;
  try {
    keys = ownKeys(object);
  } catch (error) {
    // An exotic object that will not list its keys here (Deno's process.env without env access).
    state.props.push(['(its keys)', 16, describe(error?.name)]);
    return state;
  }
  for (const key of keys) {
    let d;
    try {
      d = getOwnPropertyDescriptor(object, key);
    } catch (error) {
      state.props.push([key, 16, describe(error?.name)]);
      continue;
    }
    if (!d) continue;
    if ('value' in d) {
      state.props.push([key, (d.enumerable ? 1 : 0) | (d.configurable ? 2 : 0) | (d.writable ? 4 : 0), d.value]);
      continue;
    }
    let read;
    let hasRead = false;
    if (readsGetters && d.get) {
      try {
        read = apply(d.get, object, []);
        hasRead = true;
        const after = getOwnPropertyDescriptor(object, key);
        if (!after || after.get !== d.get || after.set !== d.set) defineProperty(object, key, d);
      } catch {
        read = undefined;
      }
    }
    state.props.push([key, (d.enumerable ? 1 : 0) | (d.configurable ? 2 : 0) | 8, d.get, d.set, hasRead ? read : undefined]);
  }
  if (apply(isPrototypeOf, MapProto, [object])) {
    try {
      state.entries = [];
      for (const [k, v] of apply(MapEntries, object, [])) state.entries.push(k, v);
    } catch {
      state.entries = undefined;
    }
  } else if (apply(isPrototypeOf, SetProto, [object])) {
    try {
      state.entries = [...apply(SetValues, object, [])];
    } catch {
      state.entries = undefined;
    }
  }
  return state;
}

/** How a value reads in a change: a primitive as itself, an object as what it is. */
function describe(value) {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  const type = typeof value;
  if (type === 'string') return stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (type === 'symbol') return String(value);
  if (type === 'function') return `function ${value.name || '(anonymous)'}`;
  if (type === 'object') return 'an object';
  return `${type} ${String(value)}`;
}

/** How a property reads in a change. */
function describeProp(prop) {
  if (!prop) return 'absent';
  const [, flags] = prop;
  if (flags & 16) return `unreadable (${prop[2]})`;
  const attributes = `${flags & 1 ? 'enumerable ' : ''}${flags & 2 ? 'configurable ' : ''}`;
  if (flags & 8) return `${attributes}getter ${describe(prop[2])}, setter ${describe(prop[3])}${prop[4] !== undefined ? `, reading ${describe(prop[4])}` : ''}`;
  return `${attributes}${flags & 4 ? 'writable ' : ''}${describe(prop[2])}`;
}

/** How a key reads in a path: `.name`, `["odd key"]` or `[Symbol(description)]`. */
function keyPath(key) {
  if (typeof key === 'symbol') return `[${String(key.description)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${stringify(key)}]`;
}

/**
 * A proof over `roots()` (name and object pairs), reading the getters of `getterHosts()`, leaving
 * the inside of `opaque(object)` objects unread, with `facts()` (name -> text) compared as they are.
 * `resets()` runs before every reading: it puts back what the platform itself changes as it serves
 * routes, the way a fresh host of it has it (Next's wrapping of the shared Response.redirect).
 */
export function createRealmProof({ roots, getterHosts = () => new Set(), opaque = () => false, facts = async () => ({}), resets = () => {} }) {
  let base;
  /** The baseline's walk: every object reached, the path it was first met by, and its own state. */
  const walk = () => {
    const hosts = getterHosts();
    const seen = new Map();
    const objects = [];
    const reach = (value, path) => {
      if (!isObject(value) || seen.has(value)) return;
      seen.set(value, objects.length);
      objects.push({ object: value, path });
    };
    const rootList = roots();
    for (const [name, value] of rootList) reach(value, name);
    for (let i = 0; i < objects.length; i++) {
      const { object, path } = objects[i];
      const state = opaque(object) ? { proto: getPrototypeOf(object), extensible: isExtensible(object), props: [], opaque: true } : ownState(object, hosts.has(object));
      objects[i].state = state;
      reach(state.proto, `${path}.__proto__`);
      for (const prop of state.props) {
        const at = `${path}${keyPath(prop[0])}`;
        if (prop[1] & 8) {
          reach(prop[2], `${at}<get>`);
          reach(prop[3], `${at}<set>`);
          reach(prop[4], at);
        } else reach(prop[2], at);
      }
      if (state.entries) state.entries.forEach((value, n) => reach(value, `${path}<entry ${n}>`));
    }
    return { roots: rootList.map(([, value]) => value), objects, hosts };
  };
  /**
   * The lazy globals at baseline: each getter of a getter host with the value it gave. A route that
   * reads one makes it a plain value (Node's lazy globals define themselves on first read); with the
   * very value and the attributes that first read gives, that is the state a fresh host reaches on
   * its own, so the getter is put back before the proof, as the baseline had it.
   */
  let lazies = [];
  const takeLazies = () => {
    lazies = [];
    for (const host of getterHosts()) {
      for (const key of ownKeys(host)) {
        const d = getOwnPropertyDescriptor(host, key);
        if (!d || !d.get || !d.configurable) continue;
        try {
          const value = apply(d.get, host, []);
          const after = getOwnPropertyDescriptor(host, key);
          if (!after || after.get !== d.get || after.set !== d.set) defineProperty(host, key, d);
          lazies.push({ host, key, descriptor: d, value });
        } catch {
          // a getter that throws is compared as it is
        }
      }
    }
  };
  const relazify = () => {
    for (const { host, key, descriptor, value } of lazies) {
      const now = getOwnPropertyDescriptor(host, key);
      if (now && 'value' in now && now.value === value && now.writable && now.enumerable === descriptor.enumerable && now.configurable === descriptor.configurable) defineProperty(host, key, descriptor);
    }
  };
  /** Every property of a baseline object that is not as it was: [object number, key, was, is]. */
  const differences = () => {
    resets();
    relazify();
    const found = [];
    const now = roots();
    now.forEach(([name, value], i) => {
      if (value !== base.roots[i]) found.push([-1, name, undefined, undefined]);
    });
    base.objects.forEach(({ object, state: was }, n) => {
      const volatile = base.volatile.get(n);
      const start = found.length;
      const is_ = was.opaque ? { proto: getPrototypeOf(object), extensible: isExtensible(object), props: [], opaque: true } : ownState(object, base.hosts.has(object));
      if (is_.proto !== was.proto || is_.extensible !== was.extensible) found.push([n, '', was, is_]);
      // Most objects keep their keys in order: compare them pairwise, and by key only where they do not.
      const same = was.props.length === is_.props.length && is_.props.every((prop, i) => was.props[i][0] === prop[0]);
      if (same) {
        is_.props.forEach((prop, i) => {
          if (!sameProp(was.props[i], prop, volatile?.has(prop[0]))) found.push([n, prop[0], was.props[i], prop]);
        });
      } else {
        const before = new Map(was.props.map((p) => [p[0], p]));
        const after = new Map(is_.props.map((p) => [p[0], p]));
        for (const prop of is_.props) {
          const old = before.get(prop[0]);
          if (old && sameProp(old, prop, volatile?.has(prop[0]))) continue;
          found.push([n, prop[0], old, prop]);
        }
        for (const [key, old] of before) if (!after.has(key)) found.push([n, key, old, undefined]);
        if (found.length === start) found.push([n, '(key order)', undefined, undefined]);
      }
      if (!sameList(was.entries, is_.entries)) found.push([n, '(entries)', undefined, undefined]);
    });
    return found;
  };
  return {
    /**
     * Takes the baseline: a first reading (which lets lazy globals load), a second that is the
     * baseline, and a third: what differs between the last two, with nothing else running, is volatile.
     */
    async baseline() {
      resets();
      walk();
      await settle();
      takeLazies();
      base = { ...walk(), volatile: new Map() };
      await settle();
      for (const [n, key] of differences()) {
        if (n < 0) continue;
        if (!base.volatile.has(n)) base.volatile.set(n, new Set());
        base.volatile.get(n).add(key);
      }
      base.facts = await facts();
      return { objects: base.objects.length, volatile: [...base.volatile.values()].reduce((sum, keys) => sum + keys.size, 0) };
    },

    /**
     * Takes what differs now from the baseline as volatile too: for a host whose own machinery writes
     * into the realm the proof reads between two requests of its own (Next sets the proof route's
     * context's `__incrementalCache` on each request), called once after a second request.
     */
    markVolatile() {
      for (const [n, key] of differences()) {
        if (n < 0) continue;
        if (!base.volatile.has(n)) base.volatile.set(n, new Set());
        base.volatile.get(n).add(key);
      }
      return { volatile: [...base.volatile.values()].reduce((sum, keys) => sum + keys.size, 0) };
    },

    /** What differs from the baseline, in words (at most MAX_CHANGES); empty when nothing does. */
    async changes() {
      if (!base) throw new Error('no baseline was taken');
      const out = differences().slice(0, MAX_CHANGES).map(([n, key, was, is_]) => {
        if (n < 0) return `${key}: another object than at the baseline`;
        const where = base.objects[n].path;
        if (key === '') return `${where}: its prototype or extensibility changed`;
        if (key === '(key order)' || key === '(entries)') return `${where}: ${key.slice(1, -1)} changed`;
        return `${where}${keyPath(key)}: was ${describeProp(was)}, is ${describeProp(is_)}`;
      });
      const now = await facts();
      for (const [fact, value] of Object.entries(now)) if (base.facts[fact] !== value) out.push(`${fact}: was ${base.facts[fact]}, is ${value}`);
      return out.slice(0, MAX_CHANGES);
    },
  };
}

/** Whether two readings of a property are the same: attributes, and values by identity (a volatile one by type). */
function sameProp(a, b, volatile) {
  if (a[1] !== b[1]) return false;
  if (volatile) return typeof a[2] === typeof b[2] && typeof a[4] === typeof b[4];
  return is(a[2], b[2]) && is(a[3], b[3]) && is(a[4], b[4]);
}

function sameList(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!is(a[i], b[i])) return false;
  return true;
}
