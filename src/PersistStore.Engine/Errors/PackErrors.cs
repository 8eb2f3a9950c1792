using System;

namespace PersistStore.Engine.Errors
{
    /// <summary>A pack that cannot be read as a whole valid pack: truncated, overwritten, or not a pack.</summary>
    public sealed class PackDamagedException : PersistStoreException
    {
        public PackDamagedException(string pack, string why, Exception? inner = null)
            : base("PackDamaged", ErrorKind.InvalidData, pack,
                $"The pack '{pack}' is damaged: {why}. Nothing is read from it. Other checkpoints may still export (Export-Checkpoint); to recover the ones that use it, restore the store from a backup.", inner)
        {
            Pack = pack;
        }

        public string Pack { get; }
    }

    /// <summary>A pack the index refers to is not in the store's pack location.</summary>
    public sealed class PackMissingException : PersistStoreException
    {
        public PackMissingException(string pack)
            : base("PackMissing", ErrorKind.NotFound, pack,
                $"The pack '{pack}' is missing from the store. Nothing is read from it. Other checkpoints may still export (Export-Checkpoint); to recover the ones that use it, restore the store from a backup.")
        {
            Pack = pack;
        }

        public string Pack { get; }
    }
}
