using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace PersistStore.HelpGen;

/// <summary>Writes the MAML that Get-Help reads for binary cmdlets (the same shape PlatyPS's New-ExternalHelp writes).</summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                commands.Select(Command_)));

    private static XElement Command_(CommandHelp c)
    {
        string[] verbNoun = c.Name.Split('-', 2);
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", verbNoun[0]),
                new XElement(Command + "noun", verbNoun.Length > 1 ? verbNoun[1] : ""),
                Paras(new[] { c.Synopsis })),
            Paras(c.Description),
            new XElement(Command + "syntax", SyntaxItems(c)),
            new XElement(Command + "parameters", c.Parameters.Select(p => Parameter(p, p.Field("Position", "named")))),
            new XElement(Command + "inputTypes", c.Inputs.Select(t => new XElement(Command + "inputType", TypeElement(t)))),
            new XElement(Command + "returnValues", c.Outputs.Select(t => new XElement(Command + "returnValue", TypeElement(t)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", c.Notes.Select(Para))),
            new XElement(Command + "examples", c.Examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                new XElement(Dev + "code", string.Join("\n\n", e.Code)),
                new XElement(Dev + "remarks", e.Remarks.Select(Para))))),
            new XElement(Command + "relatedLinks", c.RelatedLinks.Select(l => new XElement(Maml + "navigationLink",
                new XElement(Maml + "linkText", l), new XElement(Maml + "uri")))));
    }

    private static IEnumerable<XElement> SyntaxItems(CommandHelp c)
    {
        var sets = c.ParameterSets.Count > 0 ? c.ParameterSets : new List<string> { "(All)" };
        foreach (var set in sets)
        {
            var parameters = c.Parameters
                .Where(p => p.Sets.Contains("(All)") || p.Sets.Contains(set) || set == "(All)")
                .OrderBy(p => int.TryParse(p.Field("Position"), out int pos) ? pos : int.MaxValue);
            yield return new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", c.Name),
                parameters.Select(p => Parameter(p, p.Field("Position", "named"))));
        }
    }

    private static XElement Parameter(ParameterHelp p, string position)
    {
        string type = p.Field("Type", "Object");
        bool isSwitch = type == "SwitchParameter";
        string aliases = p.Field("Aliases", "none");
        return new XElement(Command + "parameter",
            new XAttribute("required", p.Field("Required", "False").ToLowerInvariant()),
            new XAttribute("variableLength", type.EndsWith("[]") ? "true" : "false"),
            new XAttribute("globbing", p.Field("Accept wildcard characters", "False").ToLowerInvariant()),
            new XAttribute("pipelineInput", p.Field("Accept pipeline input", "False")),
            new XAttribute("position", position.ToLowerInvariant() == "named" ? "named" : position),
            new XAttribute("aliases", aliases),
            new XElement(Maml + "name", p.Name),
            Paras(p.Description),
            isSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"),
                new XAttribute("variableLength", "false"), type),
            new XElement(Dev + "type", new XElement(Maml + "name", type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", p.Field("Default value", "None")));
    }

    private static XElement[] TypeElement(TypeHelp t) => new[]
    {
        new XElement(Dev + "type", new XElement(Maml + "name", t.Name), new XElement(Maml + "uri"), new XElement(Maml + "description")),
        Paras(t.Description),
    };

    private static XElement Paras(IEnumerable<string> paragraphs) => new(Maml + "description", paragraphs.Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);
}
