using System;
using System.Collections.Generic;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;

namespace PersistStore.Engine.Storage
{
    /// <summary>Tags and properties read as child rows of runs or checkpoints, gathered by their parent's key.</summary>
    internal sealed class ChildRows<TKey> where TKey : notnull
    {
        private readonly Dictionary<TKey, List<string>> _tags = new Dictionary<TKey, List<string>>();
        private readonly Dictionary<TKey, SortedDictionary<string, object>> _properties = new Dictionary<TKey, SortedDictionary<string, object>>();

        /// <summary>Adds a tag; tags are kept in the order they are read (the caller orders by position).</summary>
        public void Tag(TKey key, string tag)
        {
            if (!_tags.TryGetValue(key, out var list)) _tags[key] = list = new List<string>();
            list.Add(tag);
        }

        public void Property(TKey key, string name, string kind, string value)
        {
            if (!_properties.TryGetValue(key, out var set)) _properties[key] = set = PropertyRules.EmptySet();
            set[name] = PropertyCodec.Decode(kind, value);
        }

        public IReadOnlyList<string> TagsOf(TKey key) => _tags.TryGetValue(key, out var t) ? t : (IReadOnlyList<string>)Array.Empty<string>();

        public IReadOnlyDictionary<string, object> PropertiesOf(TKey key) => _properties.TryGetValue(key, out var p) ? p : PropertyRules.EmptySet();
    }
}
