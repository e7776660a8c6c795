"""One coupled GRU layer (Compagnon, PhD thesis, INSA Lyon 2021, section 4.3.2).

A siamese GRU (SGRU) runs one GRU, weights shared, over both sequences of a pair
and compares the last outputs. The coupled GRU (CGRU) makes the two branches
exchange information at every step through one coupling gate, so that similar
sequences *synchronise*; equations are numbered as in the thesis (section
4.3.2, eqs. 4.15-4.20). Left branch (the right one swaps primed and unprimed symbols)::

    z_t  = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              (4.16)
    r_t  = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              (4.20)
    n_t  = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))         (4.19)
    c_t  = sigmoid(W_hc (h_{t-1} + h'_{t-1}) + b_hc)   one gate, shared (4.18)
    nb_t = (1 - c_t) * n_t + c_t * n'_t                                 (4.17)
    h_t  = (1 - z_t) * nb_t + z_t * h_{t-1}                             (4.15)

    d(x, x') = || h_T - h'_T ||_2                                       (4.14)

Weights are laid out as ``nn.GRU``'s (gates ``r, z, n``), so an SGRU and a CGRU
exchange weights; coupling adds ``W_hc`` ``(H, H)`` and ``b_hc`` ``(H,)`` per layer.
"""

import functools

import torch
from torch import nn

__all__ = ["CoupledGRULayer", "coupled_step"]


def coupled_step(h, u_t, weight_t, bias, hidden_size, coupled, mask=None, partner=None):
    """One step of both branches of every pair: eqs. 4.15-4.20 of the thesis.

    Parameters
    ----------
    h : Tensor of shape (2P, H)
        The states before the step, left branches (rows ``:P``) then right.
    u_t : Tensor of shape (2P, 3H)
        The step's input projections ``W_i x_t + b_i``.
    weight_t : Tensor of shape (H, 3H) or (H, 4H)
        ``W_h^T``, with ``W_hc^T`` appended when ``coupled``.
    bias : Tensor of shape (3H,) or (4H,)
        ``b_h``, with ``b_hc / 2`` appended when ``coupled``.
    hidden_size : int
    coupled : bool
    mask, partner : Tensor of shape (2P, 1) or None
        1 where a branch (its partner) is running at this step; None: all are.

    Returns
    -------
    h : Tensor of shape (2P, H)
    """
    H = hidden_size
    gates = torch.addmm(bias, h, weight_t).split([2 * H, H, H] if coupled else [2 * H, H],
                                                 dim=1)
    u_rz, u_n = u_t.split([2 * H, H], dim=1)
    r, z = torch.sigmoid(u_rz + gates[0]).chunk(2, dim=1)  # (4.20), (4.16)
    n = torch.tanh(torch.addcmul(u_n, r, gates[1]))  # (4.19)
    if coupled:
        c_left, c_right = gates[2].chunk(2, dim=0)
        c = torch.sigmoid(c_left + c_right)  # (4.18), symmetric in h, h'
        c = torch.cat([c, c])
        if partner is not None:
            c = c * partner
        n_left, n_right = n.chunk(2, dim=0)
        # (4.17) for both branches: lerp(a, b, c) = (1 - c) a + c b
        n = torch.lerp(n, torch.cat([n_right, n_left]), c)
    h_next = torch.lerp(n, h, z)  # (4.15): (1 - z) n + z h
    return h_next if mask is None else torch.lerp(h, h_next, mask)


@functools.cache
def compiled_coupled_step():
    """:func:`coupled_step` through ``torch.compile``, compiled on first use.

    Inductor fuses the step's ~12 element-wise kernels, forward and backward.
    Measured on one CPU thread, 512-1024 pairs of 50-100 steps: a training
    pass (forward and backward) 1.2x faster at ``H = 20`` and 1.3-1.4x at
    ``H = 100``, after 40-60 s of compilation in a fresh process; without
    gradients 0.7-1.0x (the forward is bound by the ``addmm``, and a compiled
    call checks its guards each step), hence used only in training.
    """
    return torch.compile(coupled_step, fullgraph=True)


class CoupledGRULayer(nn.Module):
    """One GRU layer run over both branches of many pairs, optionally coupled.

    Parameters
    ----------
    input_size : int
    hidden_size : int
    coupling : bool, default=True
        False runs the two branches as a plain siamese GRU layer (``c_t = 0``).
    coupling_init_std : float, default=0.1
        ``W_hc ~ N(0, coupling_init_std**2)`` (the thesis).
    coupling_bias_init : float or None, default=None
        None initialises ``b_hc`` as the other GRU biases (U(-1/sqrt(H),
        1/sqrt(H))), the literal reading of the thesis: the gate then starts near
        0.5, i.e. strong mixing. A negative constant realises the thesis's stated
        intent of a weak initial coupling, e.g. -4 gives ``c_t ~ 0.018``
        (the thesis's initialisation and its stated intent disagree).
    compile_step : bool, default=False
        In training mode, run each step through ``torch.compile``
        (:func:`compiled_coupled_step`): the same values up to float
        rounding, faster training steps after a one-off compilation.

    Attributes
    ----------
    gru : torch.nn.GRU
        Holds ``W_i``, ``W_h``, ``b_i``, ``b_h`` in PyTorch's layout; it also
        runs the layer over single sequences when nothing is coupled.
    weight_hc : Parameter of shape (hidden_size, hidden_size)
        Only with coupling; so is ``bias_hc`` of shape (hidden_size,).

    Notes
    -----
    ``forward(u, masks=None, return_sequence=False, h=None)``: ``u`` of shape
    ``(time, 2P, 3H)`` (or an iterable of its ``(2P, 3H)`` steps) holds the input
    projections :meth:`input_projection` of the left branches (rows ``:P``) then
    of the right branches (rows ``P:``);
    ``masks`` ``(time, 2P, 1)``, 1 where a branch is running, or None if all are;
    ``h`` ``(2P, H)``, the state before the first step (None: zeros), to resume
    a recurrence cut into pieces of time. Returns the final states ``(2P, H)``,
    and the states of every step ``(time, 2P, H)`` if ``return_sequence``.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import CoupledGRULayer
    >>> _ = torch.manual_seed(0)
    >>> layer = CoupledGRULayer(input_size=3, hidden_size=4)
    >>> left, right = torch.randn(6, 2, 3), torch.randn(6, 2, 3)  # 2 pairs, 6 steps
    >>> u = layer.input_projection(torch.cat([left, right], dim=1))  # (6, 4, 12)
    >>> h, states = layer(u, return_sequence=True)
    >>> h.shape, states.shape
    (torch.Size([4, 4]), torch.Size([6, 4, 4]))
    >>> # one shared gate: swapping the sides of each pair swaps their states
    >>> torch.allclose(layer(u.roll(2, dims=1)), h.roll(2, dims=0))
    True
    >>> torch.allclose(layer(u[3:], h=layer(u[:3])), h)  # resumed after step 2
    True
    >>> siamese = CoupledGRULayer(3, 4, coupling=False)  # each branch its own GRU
    >>> series = torch.cat([left, right], dim=1)
    >>> _, h_n = siamese.gru(series.transpose(0, 1))
    >>> torch.allclose(siamese(siamese.input_projection(series)), h_n[0], atol=1e-6)
    True
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        coupling=True,
        coupling_init_std=0.1,
        coupling_bias_init=None,
        compile_step=False,
    ):
        super().__init__()
        self.hidden_size = hidden_size
        self.coupling = coupling
        self.compile_step = compile_step
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True)
        if coupling:
            self.weight_hc = nn.Parameter(torch.empty(hidden_size, hidden_size))
            self.bias_hc = nn.Parameter(torch.empty(hidden_size))
            nn.init.normal_(self.weight_hc, std=coupling_init_std)
            if coupling_bias_init is None:
                bound = hidden_size**-0.5
                nn.init.uniform_(self.bias_hc, -bound, bound)
            else:
                nn.init.constant_(self.bias_hc, coupling_bias_init)

    def input_projection(self, x):
        """``W_i x + b_i`` for the three gates, ``(..., input_size) -> (..., 3H)``."""
        return nn.functional.linear(x, self.gru.weight_ih_l0, self.gru.bias_ih_l0)

    def forward(self, u, masks=None, return_sequence=False, h=None):
        H = self.hidden_size
        steps = u.unbind(0) if isinstance(u, torch.Tensor) else u
        weight, bias = self.gru.weight_hh_l0, self.gru.bias_hh_l0
        if self.coupling:
            # W_hc joins W_h: one matmul per step gives the gates and W_hc h of
            # both branches. Half of b_hc on each branch adds up to one b_hc in
            # c_t = sigmoid(W_hc h + W_hc h' + b_hc), eq. (4.18).
            weight = torch.cat([weight, self.weight_hc])
            bias = torch.cat([bias, 0.5 * self.bias_hc])
        weight_t = weight.t()
        if masks is not None:
            # the coupling a branch receives needs its *partner* to be running
            left, right = masks.chunk(2, dim=1)
            partner = torch.cat([right, left], dim=1).unbind(0)
            masks = masks.unbind(0)
        states = []
        step = coupled_step
        if self.training and getattr(self, "compile_step", False):  # opt in, see
            step = compiled_coupled_step()  # compiled_coupled_step's measurements
        # Steps come from unbind (views), never from slicing a big tensor in the
        # loop, and every split inside the step is of one step's tensor: a slice
        # of a large tensor makes each backward step allocate a gradient of its
        # size.
        for t, u_t in enumerate(steps):
            if h is None:
                h = u_t.new_zeros(u_t.size(0), H)
            h = step(h, u_t, weight_t, bias, H, self.coupling,
                     None if masks is None else masks[t],
                     None if masks is None else partner[t])
            if return_sequence:
                states.append(h)
        if return_sequence:
            return h, torch.stack(states)
        return h
