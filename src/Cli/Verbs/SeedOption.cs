using System.CommandLine.Parsing;
using System.Numerics;
using BioEval.Models;

namespace BioEval.Cli.Verbs;

/// <summary>Parses a <c>--seed</c> value as an integer of any size (System.CommandLine has no parser for BigInteger).</summary>
internal static class SeedOption
{
    public static BigInteger Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        try
        {
            return SeedValue.Parse(text, $"{(result.Parent as OptionResult)?.Option.Name ?? "--seed"}");
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return default;
        }
    }
}
