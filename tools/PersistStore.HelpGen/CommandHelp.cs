using System.Collections.Generic;

namespace PersistStore.HelpGen;

/// <summary>One cmdlet's help as PlatyPS markdown describes it.</summary>
public sealed class CommandHelp
{
    public string Name { get; set; } = "";
    public string Synopsis { get; set; } = "";
    public List<string> Description { get; } = new();
    public List<string> ParameterSets { get; } = new();
    public List<ExampleHelp> Examples { get; } = new();
    public List<ParameterHelp> Parameters { get; } = new();
    public List<TypeHelp> Inputs { get; } = new();
    public List<TypeHelp> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<string> RelatedLinks { get; } = new();
}

public sealed class ExampleHelp
{
    public string Title { get; set; } = "";
    public List<string> Code { get; } = new();
    public List<string> Remarks { get; } = new();
}

public sealed class ParameterHelp
{
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
    public Dictionary<string, string> Fields { get; } = new(System.StringComparer.OrdinalIgnoreCase);

    public string Field(string key, string fallback = "") => Fields.TryGetValue(key, out var v) && v.Length > 0 ? v : fallback;

    public IEnumerable<string> Sets => Field("Parameter Sets", "(All)").Split(',', System.StringSplitOptions.TrimEntries | System.StringSplitOptions.RemoveEmptyEntries);
}

public sealed class TypeHelp
{
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
}
