using System;
using System.Collections.Generic;
using System.Linq;
using Markdig;
using Markdig.Syntax;

namespace PersistStore.HelpGen;

/// <summary>Reads a PlatyPS-schema page: H1 name; H2 sections; H3 items (parameter sets, examples, parameters, types).</summary>
public static class MarkdownHelpReader
{
    public static CommandHelp Read(string markdown, string fileName)
    {
        var doc = Markdown.Parse(markdown, new MarkdownPipelineBuilder().UseYamlFrontMatter().Build());
        var help = new CommandHelp();
        string section = "";
        string? item = null;
        foreach (var block in doc)
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } h:
                    help.Name = Text(h);
                    break;
                case HeadingBlock { Level: 2 } h:
                    section = Text(h).ToUpperInvariant();
                    item = null;
                    break;
                case HeadingBlock { Level: 3 } h:
                    item = Text(h);
                    StartItem(help, section, item);
                    break;
                case FencedCodeBlock code:
                    AddCode(help, section, code);
                    break;
                case Markdig.Extensions.Yaml.YamlFrontMatterBlock:
                    break;
                case LeafBlock or ContainerBlock:
                    AddText(help, section, item, Source(markdown, block));
                    break;
            }
        }
        if (help.Name.Length == 0) throw new FormatException($"{fileName}: no '# Cmdlet-Name' heading.");
        if (help.Synopsis.Length == 0) throw new FormatException($"{fileName}: no SYNOPSIS.");
        if (help.Examples.Count == 0) throw new FormatException($"{fileName}: no example.");
        return help;
    }

    private static void StartItem(CommandHelp help, string section, string title)
    {
        switch (section)
        {
            case "SYNTAX": help.ParameterSets.Add(title.Split(' ')[0]); break;
            case "EXAMPLES": help.Examples.Add(new ExampleHelp { Title = title }); break;
            case "PARAMETERS":
                if (title.StartsWith('-')) help.Parameters.Add(new ParameterHelp { Name = title.TrimStart('-') });
                break;
            case "INPUTS": help.Inputs.Add(new TypeHelp { Name = title }); break;
            case "OUTPUTS": help.Outputs.Add(new TypeHelp { Name = title }); break;
        }
    }

    private static void AddCode(CommandHelp help, string section, FencedCodeBlock code)
    {
        string text = string.Join("\n", code.Lines.Lines.Take(code.Lines.Count).Select(l => l.ToString()));
        if (section == "EXAMPLES" && help.Examples.Count > 0) help.Examples[^1].Code.Add(text);
        else if (section == "PARAMETERS" && help.Parameters.Count > 0 && code.Info == "yaml")
        {
            foreach (var line in text.Split('\n'))
            {
                int colon = line.IndexOf(':');
                if (colon > 0) help.Parameters[^1].Fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
    }

    private static void AddText(CommandHelp help, string section, string? item, string text)
    {
        text = text.Trim();
        if (text.Length == 0) return;
        switch (section)
        {
            case "SYNOPSIS": help.Synopsis = (help.Synopsis + " " + text).Trim(); break;
            case "DESCRIPTION": help.Description.Add(text); break;
            case "EXAMPLES" when help.Examples.Count > 0: help.Examples[^1].Remarks.Add(text); break;
            case "PARAMETERS" when item != null && item.StartsWith('-') && help.Parameters.Count > 0: help.Parameters[^1].Description.Add(text); break;
            case "INPUTS" when help.Inputs.Count > 0: help.Inputs[^1].Description.Add(text); break;
            case "OUTPUTS" when help.Outputs.Count > 0: help.Outputs[^1].Description.Add(text); break;
            case "NOTES": help.Notes.Add(text); break;
            case "RELATED LINKS":
                foreach (var line in text.Split('\n')) help.RelatedLinks.Add(line.Trim().TrimStart('-', '*', ' '));
                break;
        }
    }

    private static string Text(HeadingBlock h) => h.Inline?.FirstChild is null ? "" :
        string.Concat(h.Inline.Descendants<Markdig.Syntax.Inlines.LiteralInline>().Select(l => l.Content.ToString())).Trim();

    private static string Source(string markdown, Block block) => markdown.Substring(block.Span.Start, block.Span.Length);
}
