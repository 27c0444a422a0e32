using BioEval.Models.Encoders;

namespace BioEval.Models.Tests.Encoders;

/// <summary>Which graph output gives which layer: last_hidden_state, or one of the hidden_states.N of a per-layer export.</summary>
public sealed class EncoderOutputsTests
{
    private const string Model = "enc/model.onnx";
    private static readonly string[] PlainExport = ["last_hidden_state", "pooler_output"];
    private static readonly string[] PerLayer = [.. Enumerable.Range(0, 13).Select(i => $"hidden_states.{i}"), "last_hidden_state"];

    [Fact]
    public void APlainExportGivesItsLastHiddenStateAsTheConfigsLastLayer()
    {
        Assert.Equal(("last_hidden_state", 6), EncoderOutputs.Choose(PlainExport, layer: null, configLayers: 6, Model));
        Assert.Equal(("last_hidden_state", 6), EncoderOutputs.Choose(PlainExport, layer: 6, configLayers: 6, Model));
        Assert.Equal(("last_hidden_state", (int?)null), EncoderOutputs.Choose(PlainExport, layer: null, configLayers: null, Model));
    }

    [Fact]
    public void AModelCutToEightLayersGivesLayerEight()
    {
        // bert_score's SciBERT: the first 8 of 12 layers, exported on their own.
        Assert.Equal(("last_hidden_state", 8), EncoderOutputs.Choose(PlainExport, layer: 8, configLayers: 8, Model));
    }

    [Theory]
    [InlineData(8, "hidden_states.8")]
    [InlineData(0, "hidden_states.0")]
    [InlineData(null, "hidden_states.12")]
    public void APerLayerExportGivesTheNamedLayer(int? layer, string output)
    {
        Assert.Equal((output, layer ?? 12), EncoderOutputs.Choose(PerLayer, layer, configLayers: 12, Model));
    }

    [Fact]
    public void UnderscoredLayerNamesAreReadToo()
    {
        Assert.Equal(("hidden_states_3", 3), EncoderOutputs.Choose(["hidden_states_2", "hidden_states_3"], 3, null, Model));
    }

    [Theory]
    [InlineData(13, 12, "Layer 13 is out of range: enc/model.onnx has hidden states of layers 0, 1, 2")]
    [InlineData(-1, 12, "layers are numbered from 0")]
    public void ALayerAPerLayerExportLacksIsRefused(int layer, int configLayers, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => EncoderOutputs.Choose(PerLayer, layer, configLayers, Model));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AnInnerLayerOfAPlainExportIsRefusedWithTheWayToExportIt()
    {
        var e = Assert.Throws<ArgumentException>(() => EncoderOutputs.Choose(PlainExport, layer: 8, configLayers: 12, Model));
        Assert.Contains("only last_hidden_state, the output of its last layer, 12", e.Message);
        Assert.Contains("cut to 8 layers", e.Message);

        var unknown = Assert.Throws<ArgumentException>(() => EncoderOutputs.Choose(PlainExport, layer: 8, configLayers: null, Model));
        Assert.Contains("no config.json says which layer", unknown.Message);
    }

    [Fact]
    public void AGraphWithoutHiddenStatesIsRefusedNamingItsOutputs()
    {
        var e = Assert.Throws<ArgumentException>(() => EncoderOutputs.Choose(["logits"], null, null, Model));
        Assert.Contains("its outputs: logits", e.Message);
    }
}
