using System;
using System.Globalization;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>
    /// One maintenance pass at a time per store (Optimize-PersistStore, Repair-PersistStore): a lease in store_meta
    /// with the holder's process, renewed between steps. Two passes at once could each take the other's new,
    /// not yet indexed pack for a killed writer's leftover. A holder whose process is gone, or whose lease ran out,
    /// is taken over (the same staleness rule as run locks). Writers never look at it: it does not hold them up.
    /// </summary>
    internal sealed class MaintenanceLease : IDisposable
    {
        private const string Key = "maintenance_lease";
        public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

        private readonly IStoreBackend _store;
        private readonly Caller _caller;
        private RunLock _held;

        private MaintenanceLease(IStoreBackend store, Caller caller, RunLock held)
        {
            _store = store;
            _caller = caller;
            _held = held;
        }

        public static MaintenanceLease Take(IStoreBackend store, Caller caller, string operation) =>
            store.Write(w =>
            {
                var now = caller.Clock();
                var current = Decode(w.GetMeta(Key));
                if (current != null && LockStaleness.Why(current, now) == null)
                    throw new PersistStoreException("MaintenanceRunning", ErrorKind.ResourceBusy, store.Location.Display,
                        $"Another maintenance pass ({current.Reason}) is running on the store '{store.Location.Display}': {current.Describe()}. Wait for it to finish; if its process is gone the next attempt takes over.");
                var mine = RunLock.For(caller.Session.Owner, Guid.Empty, "(store maintenance)", Lease, operation, isImplicit: true, now);
                w.SetMeta(Key, Encode(mine));
                return new MaintenanceLease(store, caller, mine);
            });

        /// <summary>Extends the lease; throws if another pass took it over meanwhile (this one outlived its lease).</summary>
        public void Renew() => _store.Write(w =>
        {
            var current = Decode(w.GetMeta(Key));
            if (current == null || current.LockId != _held.LockId)
                throw new PersistStoreException("MaintenanceLeaseLost", ErrorKind.InvalidOperation, _store.Location.Display,
                    $"This maintenance pass lost its lease on the store '{_store.Location.Display}' (it ran {Lease.TotalMinutes:F0} minutes without renewing it, and another pass took over). It stopped; what it finished is consistent. Run it again.");
            var now = _caller.Clock();
            _held = _held with { RenewedAt = now, ExpiresAt = now + Lease };
            w.SetMeta(Key, Encode(_held));
            return 0;
        });

        public void Dispose()
        {
            try
            {
                _store.Write(w =>
                {
                    if (Decode(w.GetMeta(Key))?.LockId == _held.LockId) w.SetMeta(Key, null);
                    return 0;
                });
            }
            catch (PersistStoreException) { }   // the lease expires by itself
        }

        private static string Encode(RunLock l) => string.Join("|",
            l.LockId.ToString("N"), l.SessionToken.ToString("N"), l.User, l.Host, l.ProcessId.ToString(CultureInfo.InvariantCulture),
            l.ProcessStartUtc.Ticks.ToString(CultureInfo.InvariantCulture), l.AcquiredAt.Ticks.ToString(CultureInfo.InvariantCulture),
            l.ExpiresAt.Ticks.ToString(CultureInfo.InvariantCulture), l.Reason ?? "");

        private static RunLock? Decode(string? value)
        {
            var f = value?.Split('|');
            if (f == null || f.Length != 9) return null;   // none, or unreadable: nobody can be relying on it
            var t = (Func<string, DateTime>)(s => new DateTime(long.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc));
            return new RunLock
            {
                LockId = Guid.ParseExact(f[0], "N"), SessionToken = Guid.ParseExact(f[1], "N"), User = f[2], Host = f[3],
                ProcessId = int.Parse(f[4], CultureInfo.InvariantCulture), ProcessStartUtc = t(f[5]), AcquiredAt = t(f[6]),
                RenewedAt = t(f[6]), ExpiresAt = t(f[7]), Lease = Lease, Reason = f[8], RunName = "(store maintenance)",
            };
        }
    }
}
