"""The thesis's parameter sets of :class:`~sktime_metric.regression.AttentionSequenceRegressor`.

Chapter 4 of Pei's thesis measures its model as a ladder of ablations (Fig.
4.5), each rung adding one module, and trains one configuration on 114x114
face frames (sections 4.3-4.4). Both are kept here as plain parameter dicts:
:data:`ABLATION_LADDER` for model selection loops and benchmarks, and the
configuration behind
:meth:`~sktime_metric.regression.AttentionSequenceRegressor.thesis_preset`
(:data:`THESIS_PARAMS`).
"""

__all__ = ["ABLATION_LADDER"]

# The ablations of the thesis's Fig. 4.5, each rung adding one module; its MAE
# on UvA-NEMO (years): 5.13, 4.93, 4.81, 4.74. "+ spatial attention" only
# differs from "+ dynamics" on frames.
ABLATION_LADDER = {
    "appearance": dict(recurrent=False, spatial_attention=None, temporal_attention=False),
    "+ dynamics": dict(recurrent=True, spatial_attention=None, temporal_attention=False),
    "+ spatial attention": dict(recurrent=True, spatial_attention="indexed",
                                temporal_attention=False),
    "+ temporal attention": dict(recurrent=True, spatial_attention="indexed",
                                 temporal_attention=True),
}

# The thesis's configuration (its sections 4.3-4.4): the CNN on 114x114 grey
# frames, with the unreported pooling / normalisation sizes reconstructed, and
# one point of each validated grid (n in {128, 256, 512}, dropouts in {0, 0.1,
# 0.2, 0.4}, lambda in {0, 1e-4, ..., 5e-3}). The attention sizes d and n' are
# not reported: 64 is our choice.
THESIS_PARAMS = dict(
    input_type="frames", hidden_size=256, num_layers=2,
    cnn_channels=(128, 256, 256), cnn_kernels=(7, 5, 3), cnn_strides=(2, 1, 1),
    cnn_pool_size=3, cnn_pool_stride=2, cnn_lrn=True, cnn_fc_size=4096,
    spatial_attention="indexed", spatial_attention_after=2, spatial_attention_dim=64,
    temporal_attention=True, temporal_attention_dim=64,
    cnn_dropout=0.1, dropout=0.1, l2=1e-4, optimizer="rmsprop", grad_clip_value=5.0,
)
