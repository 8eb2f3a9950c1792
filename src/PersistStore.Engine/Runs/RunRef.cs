using System;

namespace PersistStore.Engine.Runs
{
    /// <summary>How a caller names a run: by its stable id or by its (case-insensitive) name.</summary>
    public sealed record RunRef(Guid? Id, string? Name)
    {
        public static RunRef Parse(string text) =>
            Guid.TryParse(text, out var id) ? new RunRef(id, null) : new RunRef(null, text);

        public static RunRef ForId(Guid id) => new RunRef(id, null);

        public override string ToString() => Name ?? Id?.ToString("D") ?? "";
    }
}
