using System;
using System.Collections.Generic;
using System.Linq;

namespace PersistStore.Engine.Packs
{
    /// <summary>
    /// Packs kept open between reads, at most <see cref="Limit"/>: an export reads chunk after chunk from the same few
    /// packs, and opening a pack per chunk would cost a system call each. A handle in use is never closed under its
    /// reader; the least recently used idle ones go first. The store closes the idle rest when no command is reading
    /// (found: a pwsh session kept every pack it had read open, so its store's mount could not be unmounted, and
    /// an export of a store with thousands of packs held thousands of handles).
    /// </summary>
    internal sealed class OpenPacks<T> : IDisposable where T : class, IDisposable
    {
        public const int Limit = 64;

        private readonly object _gate = new object();
        private readonly Dictionary<string, Entry> _open = new Dictionary<string, Entry>(StringComparer.Ordinal);
        private long _clock;

        internal sealed class Entry
        {
            public Entry(T handle) => Handle = handle;
            public T Handle { get; }
            public int Users;
            public long LastUse;
            public bool Closing;
        }

        /// <summary>The pack's handle, opened with <paramref name="open"/> if needed, kept open until the lease is disposed.</summary>
        public Lease Rent(string name, Func<string, T> open)
        {
            lock (_gate)
            {
                if (!_open.TryGetValue(name, out var entry))
                {
                    entry = new Entry(open(name));
                    _open[name] = entry;
                }
                entry.Users++;   // in use before any trimming, so never closed under this lease
                entry.LastUse = ++_clock;
                if (_open.Count > Limit) CloseIdle(keep: Limit / 2);
                return new Lease(this, entry);
            }
        }

        public readonly struct Lease : IDisposable
        {
            private readonly OpenPacks<T> _owner;
            private readonly Entry _entry;

            internal Lease(OpenPacks<T> owner, Entry entry)
            {
                _owner = owner;
                _entry = entry;
            }

            public T Handle => _entry.Handle;

            public void Dispose()
            {
                lock (_owner._gate)
                {
                    if (--_entry.Users == 0 && _entry.Closing) _entry.Handle.Dispose();
                }
            }
        }

        /// <summary>Closes the pack's handle (at once if idle, else when its last reader is done).</summary>
        public void Close(string name)
        {
            lock (_gate)
            {
                if (_open.TryGetValue(name, out var entry)) Remove(name, entry);
            }
        }

        /// <summary>Closes every handle no reader is using.</summary>
        public void CloseIdle()
        {
            lock (_gate) CloseIdle(keep: 0);
        }

        private void CloseIdle(int keep)
        {
            var idle = _open.Where(kv => kv.Value.Users == 0).OrderBy(kv => kv.Value.LastUse).ToList();
            foreach (var kv in idle.Take(Math.Max(0, idle.Count - keep))) Remove(kv.Key, kv.Value);
        }

        private void Remove(string name, Entry entry)
        {
            _open.Remove(name);
            entry.Closing = true;
            if (entry.Users == 0) entry.Handle.Dispose();
        }

        public void Dispose()
        {
            lock (_gate)
                foreach (var kv in _open.ToList()) Remove(kv.Key, kv.Value);
        }
    }
}
