using System;

namespace PersistStore.Engine.Trees
{
    /// <summary>
    /// A file's inode and status-change time, where the OS gives them (Linux statx; .NET exposes neither). A write
    /// that puts size and modification time back (tools that preserve times, `touch -r`, a same-size rewrite within
    /// the clock's granularity) still moves the change time, and a file replaced by another has another inode: so
    /// the checkpoint's fast path, compare and the torn-read check trust size and modification time alone only where
    /// these are unknown (0). Read by Snapshots.StatxReader.
    /// </summary>
    public readonly struct ChangeStamp : IEquatable<ChangeStamp>
    {
        public ChangeStamp(long inode, long changedTicks)
        {
            Inode = inode;
            ChangedTicks = changedTicks;
        }

        public long Inode { get; }
        /// <summary>The status-change time as UTC ticks.</summary>
        public long ChangedTicks { get; }
        public bool IsKnown => Inode != 0 || ChangedTicks != 0;

        /// <summary>Whether two stamps allow "unchanged": equal, or either unknown (an older checkpoint, another OS).</summary>
        public bool Allows(ChangeStamp other) => !IsKnown || !other.IsKnown || Equals(other);

        public bool Equals(ChangeStamp other) => Inode == other.Inode && ChangedTicks == other.ChangedTicks;
        public override bool Equals(object? obj) => obj is ChangeStamp other && Equals(other);
        public override int GetHashCode() => (Inode * 31 + ChangedTicks).GetHashCode();
    }
}
