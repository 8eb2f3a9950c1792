using System;

namespace PersistStore
{
    /// <summary>The value of every -Store parameter: a path, a connection string, or a StoreInfo object.</summary>
    public sealed class StoreArgument
    {
        public StoreArgument(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("A store path or connection string cannot be empty.", nameof(value));
            Value = value;
        }

        public StoreArgument(StoreInfo store)
        {
            if (store == null) throw new ArgumentNullException(nameof(store));
            Value = store.ConnectionValue;
        }

        internal string Value { get; }

        public override string ToString() =>
            PersistStore.Engine.Storage.StoreLocation.TryParseConnectionString(Value)?.Display ?? Value;
    }
}
