using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Packs
{
    /// <summary>
    /// Where a store keeps its packs: the one seam between pack logic and pack location (a local folder now; rows in
    /// PostgreSQL and object stores later). A pack is put whole and never changed: it exists under its name only once
    /// it is complete and durable, so a reader never sees part of a pack, and a writer killed half way leaves nothing
    /// a reader lists.
    /// </summary>
    public interface IPackStore
    {
        /// <summary>Starts a pack: bytes are appended, then Commit makes it durable under its name, or Dispose drops it.</summary>
        IPackUpload Create();

        /// <summary>The pack's length in bytes; throws PackMissingException when there is no such pack.</summary>
        long Length(string name);

        /// <summary>Fills destination with the pack's bytes from offset; throws PackMissingException or
        /// PackDamagedException (the pack is shorter than the range) rather than return fewer bytes.</summary>
        void ReadRange(string name, long offset, Span<byte> destination);

        /// <summary>Every complete pack's name; never a pack still being written.</summary>
        IEnumerable<string> List();

        /// <summary>Removes a pack; a missing one is not an error (another cleaner may have removed it).</summary>
        void Delete(string name);

        /// <summary>Uploads never committed (their writer was killed, or is still writing): ids for DeleteUnfinished.</summary>
        IReadOnlyList<string> ListUnfinished();

        /// <summary>Removes an unfinished upload; a missing one is not an error.</summary>
        void DeleteUnfinished(string id);

        /// <summary>Releases what is kept open between reads (file handles): the store calls it when no unit of work runs.</summary>
        void CloseIdle();
    }

    /// <summary>A pack being written. Not thread-safe: one writer appends.</summary>
    public interface IPackUpload : IDisposable
    {
        void Append(ReadOnlySpan<byte> bytes);
        /// <summary>Makes the pack durable and visible under name (a flush of the file and of its folder on local disks).</summary>
        void Commit(string name);
    }
}
