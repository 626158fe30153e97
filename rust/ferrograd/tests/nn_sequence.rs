//! `LSTM`, `GRU`, `MultiheadAttention` and `ConvTranspose2d` against PyTorch 2.15: outputs
//! recorded from PyTorch (float64) as literals, gradients against finite differences, and a
//! state dict saved by the Python package loaded into the same layers built in Rust.

use ferrograd::nn::functional::{conv_transpose2d, TransposedConv2d};
use ferrograd::nn::{
    self, AttentionConfig, AttentionOptions, Module, MultiheadAttention, RecurrentConfig, StateDict,
};
use ferrograd::optim::{Adam, AdamConfig, Optimizer};
use ferrograd::{serialize, DType, Error, Result, Tensor};

mod nn_checks;

use nn_checks::{assert_close, check_gradients, f64s, weighted_sum};

/// `0.5·sin(0.37·i + phase)` for `i < n`: the deterministic values every layer, input and
/// state of these tests is filled with (the recording script computes the same).
fn wave(shape: &[usize], phase: f64) -> Tensor {
    let n = shape.iter().product::<usize>();
    let values: Vec<f64> = (0..n)
        .map(|i| (0.37 * i as f64 + phase).sin() * 0.5)
        .collect();
    f64s(&values, shape)
}

/// Loads `wave(shape, phase0 + k)` into the `k`-th tensor of `module`'s state dict.
fn fill(module: &dyn Module, phase0: f64) {
    let state: StateDict = module
        .state_dict()
        .iter()
        .enumerate()
        .map(|(k, (name, t))| (name.to_string(), wave(&t.shape(), phase0 + k as f64)))
        .collect();
    module.load_state_dict(&state, true).unwrap();
}

fn float64_recurrent(bidirectional: bool, batch_first: bool) -> RecurrentConfig {
    RecurrentConfig {
        num_layers: 2,
        bidirectional,
        batch_first,
        dtype: DType::Float64,
        ..Default::default()
    }
}

fn scaled(t: Tensor, factor: f64) -> Tensor {
    t.mul(&Tensor::scalar(factor)).unwrap()
}

// ------------------------------------------------------------------ recurrent layers

#[test]
fn lstm_matches_pytorch() {
    let lstm = nn::LSTM::with_config(3, 4, float64_recurrent(true, true)).unwrap();
    let names = lstm.state_dict().keys().join(" ");
    assert_eq!(
        names,
        "weight_ih_l0 weight_hh_l0 bias_ih_l0 bias_hh_l0 \
         weight_ih_l0_reverse weight_hh_l0_reverse bias_ih_l0_reverse bias_hh_l0_reverse \
         weight_ih_l1 weight_hh_l1 bias_ih_l1 bias_hh_l1 \
         weight_ih_l1_reverse weight_hh_l1_reverse bias_ih_l1_reverse bias_hh_l1_reverse"
    );
    assert_eq!(
        lstm.state_dict()
            .get("weight_ih_l1")
            .unwrap()
            .shape()
            .as_slice(),
        &[16, 8]
    );
    fill(&lstm, 0.0);
    let x = scaled(wave(&[2, 5, 3], 0.5), 2.0);
    let (h0, c0) = (wave(&[4, 2, 4], 1.5), wave(&[4, 2, 4], 2.5));
    let (y, (h, c)) = lstm.forward_with_state(&x, Some((&h0, &c0))).unwrap();
    assert_eq!(y.shape().as_slice(), &[2, 5, 8]);
    assert_close(&y, &LSTM_Y, 1e-12);
    assert_close(&h, &LSTM_H, 1e-12);
    assert_close(&c, &LSTM_C, 1e-12);
    assert_close(&lstm.forward(&x).unwrap(), &zero_state_lstm(&lstm, &x), 0.0);
}

/// The outputs of `lstm` from zero states, through `forward_with_state`.
fn zero_state_lstm(lstm: &nn::LSTM, x: &Tensor) -> Vec<f64> {
    let zeros = Tensor::zeros(&[4, 2, 4], DType::Float64);
    let (y, _) = lstm.forward_with_state(x, Some((&zeros, &zeros))).unwrap();
    y.to_vec::<f64>().unwrap()
}

#[test]
fn gru_matches_pytorch() {
    let gru = nn::GRU::with_config(3, 4, float64_recurrent(true, false)).unwrap();
    fill(&gru, 3.0);
    let x = scaled(wave(&[2, 5, 3], 0.5), 2.0).transpose(0, 1).unwrap();
    let h0 = wave(&[4, 2, 4], 1.5);
    let (y, h) = gru.forward_with_state(&x, Some(&h0)).unwrap();
    assert_eq!(y.shape().as_slice(), &[5, 2, 8]);
    assert_close(&y, &GRU_Y, 1e-12);
    assert_close(&h, &GRU_H, 1e-12);
}

#[test]
fn an_unbatched_sequence_runs_as_a_batch_of_one() {
    let gru = nn::GRU::with_config(3, 4, float64_recurrent(true, false)).unwrap();
    let x = wave(&[5, 3], 0.1);
    let h0 = wave(&[4, 4], 0.2);
    let (y, h) = gru.forward_with_state(&x, Some(&h0)).unwrap();
    let (yb, hb) = gru
        .forward_with_state(&x.unsqueeze(1).unwrap(), Some(&h0.unsqueeze(1).unwrap()))
        .unwrap();
    assert_eq!(y.shape().as_slice(), &[5, 8]);
    assert_eq!(h.shape().as_slice(), &[4, 4]);
    assert_close(&y, &yb.to_vec::<f64>().unwrap(), 0.0);
    assert_close(&h, &hb.to_vec::<f64>().unwrap(), 0.0);
}

#[test]
fn recurrent_layers_reject_bad_sizes() {
    let lstm = nn::LSTM::new(3, 4).unwrap();
    let wrong_features = Tensor::zeros(&[5, 2, 2], DType::Float32);
    assert!(matches!(
        lstm.forward(&wrong_features),
        Err(Error::Shape(_))
    ));
    let x = Tensor::zeros(&[5, 2, 3], DType::Float32);
    let wrong_state = Tensor::zeros(&[1, 3, 4], DType::Float32);
    assert!(matches!(
        lstm.forward_with_state(&x, Some((&wrong_state, &wrong_state))),
        Err(Error::Shape(_))
    ));
    assert!(matches!(
        lstm.forward(&Tensor::zeros(&[3], DType::Float32)),
        Err(Error::Shape(_))
    ));
    let bad_dropout = RecurrentConfig {
        dropout: 1.5,
        ..Default::default()
    };
    assert!(matches!(
        nn::GRU::with_config(3, 4, bad_dropout),
        Err(Error::Value(_))
    ));
    assert!(matches!(nn::GRU::new(3, 0), Err(Error::Value(_))));
}

#[test]
fn recurrent_gradients_match_finite_differences() {
    let config = RecurrentConfig {
        dtype: DType::Float64,
        ..float64_recurrent(true, false)
    };
    let x = wave(&[3, 2, 2], 0.3).requires_grad_().unwrap();
    let h0 = wave(&[4, 2, 2], 1.1).requires_grad_().unwrap();
    let c0 = wave(&[4, 2, 2], 2.1).requires_grad_().unwrap();

    let lstm = nn::LSTM::with_config(2, 2, config).unwrap();
    fill(&lstm, 0.4);
    let mut inputs = vec![&x, &h0, &c0];
    let params = lstm.parameters();
    inputs.extend(params.iter());
    check_gradients(&inputs, || {
        let (y, (h, c)) = lstm.forward_with_state(&x, Some((&h0, &c0)))?;
        weighted_sum(y)?
            .add(&weighted_sum(h)?)?
            .add(&weighted_sum(c)?)
    });

    let gru = nn::GRU::with_config(2, 2, config).unwrap();
    fill(&gru, 0.9);
    let mut inputs = vec![&x, &h0];
    let params = gru.parameters();
    inputs.extend(params.iter());
    check_gradients(&inputs, || {
        let (y, h) = gru.forward_with_state(&x, Some(&h0))?;
        weighted_sum(y)?.add(&weighted_sum(h)?)
    });
}

#[test]
fn recurrent_dropout_acts_between_layers_in_training_only() {
    let config = RecurrentConfig {
        num_layers: 2,
        dropout: 1.0,
        dtype: DType::Float64,
        ..Default::default()
    };
    let mut lstm = nn::LSTM::with_config(2, 3, config).unwrap();
    let x = wave(&[4, 1, 2], 0.0);
    // with every first-layer output dropped, the second layer sees zeros at every step
    let dropped = lstm.forward(&x).unwrap();
    let mut second_alone = nn::LSTM::with_config(
        3,
        3,
        RecurrentConfig {
            dtype: DType::Float64,
            ..Default::default()
        },
    )
    .unwrap();
    let state: StateDict = lstm
        .state_dict()
        .into_iter()
        .filter_map(|(name, t)| name.strip_suffix("_l1").map(|n| (format!("{n}_l0"), t)))
        .collect();
    second_alone.load_state_dict(&state, true).unwrap();
    second_alone.eval();
    let zeros = second_alone
        .forward(&Tensor::zeros(&[4, 1, 3], DType::Float64))
        .unwrap();
    assert_close(&dropped, &zeros.to_vec::<f64>().unwrap(), 0.0);
    lstm.eval();
    let kept = lstm.forward(&x).unwrap().to_vec::<f64>().unwrap();
    assert_ne!(kept, zeros.to_vec::<f64>().unwrap());
}

// ------------------------------------------------------------------ attention

fn float64_attention() -> MultiheadAttention {
    let config = AttentionConfig {
        dtype: DType::Float64,
        ..Default::default()
    };
    let attention = MultiheadAttention::with_config(4, 2, config).unwrap();
    fill(&attention, 5.0);
    attention
}

/// The query, key, value and masks of the recorded attention case.
fn attention_inputs() -> (Tensor, Tensor, Tensor, Tensor, Tensor) {
    (
        scaled(wave(&[3, 2, 4], 0.1), 2.0),
        scaled(wave(&[4, 2, 4], 0.7), 2.0),
        scaled(wave(&[4, 2, 4], 1.3), 2.0),
        Tensor::from([[false, false, false, true], [false, true, false, false]]),
        wave(&[3, 4], 2.0),
    )
}

#[test]
fn multihead_attention_matches_pytorch() {
    let attention = float64_attention();
    assert_eq!(
        attention.state_dict().keys(),
        [
            "in_proj_weight",
            "in_proj_bias",
            "out_proj.weight",
            "out_proj.bias"
        ]
    );
    let (q, k, v, padding, mask) = attention_inputs();
    let options = AttentionOptions {
        key_padding_mask: Some(&padding),
        attn_mask: Some(&mask),
        ..Default::default()
    };
    let (out, weights) = attention.attend(&q, &k, &v, options).unwrap();
    assert_eq!(out.shape().as_slice(), &[3, 2, 4]);
    assert_close(&out, &MHA_OUT, 1e-12);
    assert_close(weights.as_ref().unwrap(), &MHA_WEIGHTS, 1e-12);

    // per-head weights average to the recorded ones; no weights when not asked for
    let per_head = AttentionOptions {
        average_attn_weights: false,
        ..options
    };
    let heads = attention.attend(&q, &k, &v, per_head).unwrap().1.unwrap();
    assert_eq!(heads.shape().as_slice(), &[2, 2, 3, 4]);
    assert_close(&heads.mean_dims(&[1], false).unwrap(), &MHA_WEIGHTS, 1e-12);
    let silent = AttentionOptions {
        need_weights: false,
        ..options
    };
    assert!(attention.attend(&q, &k, &v, silent).unwrap().1.is_none());

    // batch first is the same computation on transposed tensors
    let mut batch_first = float64_attention();
    batch_first.batch_first = true;
    let t = |x: &Tensor| x.transpose(0, 1).unwrap();
    let (out_bf, _) = batch_first.attend(&t(&q), &t(&k), &t(&v), options).unwrap();
    assert_close(&t(&out_bf), &out.to_vec::<f64>().unwrap(), 1e-14);
}

#[test]
fn attention_masks_of_either_kind_agree() {
    let attention = float64_attention();
    let (q, k, v, padding, _) = attention_inputs();
    // a boolean attn_mask and the float mask with -inf in the same places
    let causal = Tensor::from([
        [false, true, true, true],
        [false, false, true, true],
        [false, false, false, true],
    ]);
    let additive: Vec<f64> = causal
        .to_vec::<bool>()
        .unwrap()
        .iter()
        .map(|&m| if m { f64::NEG_INFINITY } else { 0.0 })
        .collect();
    let additive = f64s(&additive, &[3, 4]);
    let run = |mask: &Tensor| {
        let options = AttentionOptions {
            attn_mask: Some(mask),
            key_padding_mask: Some(&padding),
            ..Default::default()
        };
        attention.attend(&q, &k, &v, options).unwrap()
    };
    let (a, wa) = run(&causal);
    let (b, wb) = run(&additive);
    assert_close(&a, &b.to_vec::<f64>().unwrap(), 0.0);
    let wa = wa.unwrap().to_vec::<f64>().unwrap();
    assert_close(&wb.unwrap(), &wa, 0.0);
    // the first query attends only the first key
    assert_eq!(wa[0], 1.0);
    assert_eq!(&wa[1..4], &[0.0, 0.0, 0.0]);

    let wrong = Tensor::zeros(&[4, 4], DType::Bool);
    let options = AttentionOptions {
        attn_mask: Some(&wrong),
        ..Default::default()
    };
    assert!(matches!(
        attention.attend(&q, &k, &v, options),
        Err(Error::Shape(_))
    ));
    let integers = Tensor::zeros(&[3, 4], DType::Int64);
    let options = AttentionOptions {
        attn_mask: Some(&integers),
        ..Default::default()
    };
    assert!(matches!(
        attention.attend(&q, &k, &v, options),
        Err(Error::DType(_))
    ));
    assert!(matches!(
        MultiheadAttention::new(6, 4),
        Err(Error::Value(_))
    ));
}

#[test]
fn attention_gradients_match_finite_differences() {
    let attention = float64_attention();
    let (q, k, v, padding, mask) = attention_inputs();
    let (q, k, v) = (
        q.requires_grad_().unwrap(),
        k.requires_grad_().unwrap(),
        v.requires_grad_().unwrap(),
    );
    let mut inputs = vec![&q, &k, &v];
    let params = attention.parameters();
    inputs.extend(params.iter());
    check_gradients(&inputs, || {
        let options = AttentionOptions {
            key_padding_mask: Some(&padding),
            attn_mask: Some(&mask),
            ..Default::default()
        };
        let (out, weights) = attention.attend(&q, &k, &v, options)?;
        weighted_sum(out)?.add(&weighted_sum(weights.expect("weights were asked for"))?)
    });
}

// ------------------------------------------------------------------ transposed convolution

/// The recorded cases: groups, stride, padding, output padding and dilation together, and
/// an output padding larger than the padding (rows and columns past the full extent).
fn transposed_convolutions() -> [(nn::ConvTranspose2d, Tensor); 2] {
    let grouped = nn::ConvTranspose2d::with_options(4, 2, [3, 2], 2, true, DType::Float64)
        .unwrap()
        .with_stride([2, 1])
        .with_padding([1, 0])
        .with_output_padding([1, 0])
        .with_dilation([1, 2]);
    fill(&grouped, 7.0);
    let mut padded =
        nn::ConvTranspose2d::with_options(1, 1, [2, 2], 1, true, DType::Float64).unwrap();
    padded.geometry = TransposedConv2d {
        stride: [3, 2],
        padding: [0, 1],
        output_padding: [2, 1],
        ..Default::default()
    };
    fill(&padded, 8.0);
    [
        (grouped, wave(&[1, 4, 3, 3], 0.2)),
        (padded, wave(&[1, 1, 2, 2], 0.9)),
    ]
}

#[test]
fn conv_transpose2d_matches_pytorch() {
    let [(grouped, x), (padded, x2)] = transposed_convolutions();
    assert_eq!(grouped.weight.shape().as_slice(), &[4, 1, 3, 2]);
    let y = grouped.forward(&x).unwrap();
    assert_eq!(y.shape().as_slice(), &[1, 2, 6, 5]);
    assert_close(&y, &CONVT_Y, 1e-12);
    let y2 = padded.forward(&x2).unwrap();
    assert_eq!(y2.shape().as_slice(), &[1, 1, 7, 3]);
    assert_close(&y2, &CONVT2_Y, 1e-12);
}

#[test]
fn conv_transpose2d_is_the_adjoint_of_conv2d() {
    // <conv2d(u, w), v> = <u, conv_transpose2d(v, w)> for the same geometry
    let w = wave(&[3, 2, 3, 3], 0.4);
    let u = wave(&[2, 2, 7, 6], 1.0);
    let v = wave(&[2, 3, 4, 3], 2.0);
    let forward = u.conv2d(&w, None, [2, 2], [1, 1], [1, 1], 1).unwrap();
    let geometry = TransposedConv2d {
        stride: [2, 2],
        padding: [1, 1],
        ..Default::default()
    };
    let back = conv_transpose2d(
        &v,
        &w,
        None,
        TransposedConv2d {
            output_padding: [0, 1],
            ..geometry
        },
    )
    .unwrap();
    assert_eq!(back.shape().as_slice(), u.shape().as_slice());
    let dot = |a: &Tensor, b: &Tensor| a.mul(b).unwrap().sum().unwrap().item().unwrap();
    assert!((dot(&forward, &v) - dot(&u, &back)).abs() < 1e-12);
}

#[test]
fn conv_transpose2d_rejects_bad_geometry() {
    let w = Tensor::zeros(&[2, 1, 3, 3], DType::Float32);
    let x = Tensor::zeros(&[1, 2, 4, 4], DType::Float32);
    let too_much = TransposedConv2d {
        stride: [2, 2],
        output_padding: [2, 0],
        ..Default::default()
    };
    assert!(matches!(
        conv_transpose2d(&x, &w, None, too_much),
        Err(Error::Value(_))
    ));
    let wrong_channels = Tensor::zeros(&[1, 3, 4, 4], DType::Float32);
    assert!(matches!(
        conv_transpose2d(&wrong_channels, &w, None, TransposedConv2d::default()),
        Err(Error::Shape(_))
    ));
    let wrong_bias = Tensor::zeros(&[2], DType::Float32);
    assert!(matches!(
        conv_transpose2d(&x, &w, Some(&wrong_bias), TransposedConv2d::default()),
        Err(Error::Shape(_))
    ));
    let cropped_away = TransposedConv2d {
        padding: [3, 3],
        ..Default::default()
    };
    assert!(matches!(
        conv_transpose2d(&x, &w, None, cropped_away),
        Err(Error::Shape(_))
    ));
}

#[test]
fn conv_transpose2d_gradients_match_finite_differences() {
    for (layer, x) in transposed_convolutions() {
        let x = x.requires_grad_().unwrap();
        let mut inputs = vec![&x];
        let params = layer.parameters();
        inputs.extend(params.iter());
        check_gradients(&inputs, || weighted_sum(layer.forward(&x)?));
    }
}

// ------------------------------------------------------------------ a state dict from Python

/// tests/fixtures/sequence_layers.safetensors is written by make_sequence_layers.py beside it:
/// the Python package's `ferrograd.save` of these four layers' state dicts (float32, random
/// weights), with the inputs it ran them on and its outputs under `input.*` and `output.*`.
#[test]
fn layers_saved_by_the_python_package_load_and_agree() -> Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sequence_layers.safetensors"
    );
    let file = serialize::load_state_dict(path)?;
    let part = |prefix: &str| -> StateDict {
        file.iter()
            .filter_map(|(name, t)| {
                name.strip_prefix(prefix)
                    .map(|n| (n.to_string(), t.clone()))
            })
            .collect()
    };
    let get = |name: &str| file.get(name).unwrap().clone();
    let recurrent = RecurrentConfig {
        num_layers: 2,
        bidirectional: true,
        batch_first: true,
        ..Default::default()
    };

    let lstm = nn::LSTM::with_config(3, 5, recurrent)?;
    lstm.load_state_dict(&part("lstm."), true)?;
    let (y, (h, c)) = lstm.forward_with_state(&get("input.sequence"), None)?;
    for (ours, theirs) in [
        (y, "output.lstm"),
        (h, "output.lstm_h"),
        (c, "output.lstm_c"),
    ] {
        assert_close(
            &ours,
            &get(theirs).to_dtype(DType::Float64)?.to_vec::<f64>()?,
            1e-5,
        );
    }

    let gru = nn::GRU::with_config(3, 5, recurrent)?;
    gru.load_state_dict(&part("gru."), true)?;
    let (y, h) = gru.forward_with_state(&get("input.sequence"), None)?;
    assert_close(
        &y,
        &get("output.gru")
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?,
        1e-5,
    );
    assert_close(
        &h,
        &get("output.gru_h")
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?,
        1e-5,
    );

    let attention = MultiheadAttention::with_config(
        6,
        3,
        AttentionConfig {
            batch_first: true,
            ..Default::default()
        },
    )?;
    attention.load_state_dict(&part("attention."), true)?;
    let x = get("input.tokens");
    let padding = get("input.padding");
    let options = AttentionOptions {
        key_padding_mask: Some(&padding),
        ..Default::default()
    };
    let (out, weights) = attention.attend(&x, &x, &x, options)?;
    assert_close(
        &out,
        &get("output.attention")
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?,
        1e-5,
    );
    assert_close(
        &weights.unwrap(),
        &get("output.attention_weights")
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?,
        1e-5,
    );

    let up = nn::ConvTranspose2d::new(4, 2, [3, 3])?
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_output_padding([1, 1]);
    up.load_state_dict(&part("upsample."), true)?;
    let y = up.forward(&get("input.image"))?;
    assert_close(
        &y,
        &get("output.upsample")
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?,
        1e-5,
    );

    // the Python optimizer's state resumes in Rust: its third step matches Python's
    let mut adam = Adam::new(
        up.parameters(),
        AdamConfig {
            lr: 0.05,
            amsgrad: true,
            ..Default::default()
        },
    )?;
    adam.load_state_dict(&part("optimizer."))?;
    adam.zero_grad()?;
    up.forward(&get("input.image"))?
        .square()?
        .mean()?
        .backward()?;
    adam.step()?;
    for (name, t) in up.state_dict().iter() {
        let expected = get(&format!("after_step.{name}"))
            .to_dtype(DType::Float64)?
            .to_vec::<f64>()?;
        assert_close(t, &expected, 1e-5);
    }
    Ok(())
}

// ------------------------------------------------------------------ recorded values
// From PyTorch 2.15 (CPU, float64), the layers, inputs and states filled by `wave` as above.

/// `lstm y`, shape [2, 5, 8].
const LSTM_Y: [f64; 80] = [
    0.2629565667777756,
    0.0961012379454507,
    0.00522794489714264,
    0.2437427947875374,
    -0.3042876273276844,
    -0.2826933778240415,
    -0.16259867025028107,
    -0.13031393653333592,
    0.11215731064116034,
    0.20008380767688275,
    0.019508070684432315,
    0.3078116061807965,
    -0.30701352086130806,
    -0.23580017811576467,
    -0.11641907855521054,
    -0.16840076408156435,
    0.12599719185786973,
    0.18910040652235657,
    0.053164620899811305,
    0.35605873626593726,
    -0.3372511329061907,
    -0.26624112474987516,
    -0.22707771264138238,
    -0.047333212687731475,
    0.1730138291971912,
    0.14760298888375403,
    0.0855475391609003,
    0.38145059236062934,
    -0.3327749122060481,
    -0.3085048028766512,
    -0.2567496435350909,
    0.032105818387629166,
    0.20170779911573752,
    0.11767160207605705,
    0.11150196045166678,
    0.3724219235122815,
    -0.2768421497863317,
    -0.20022915249943612,
    -0.22224165034726226,
    0.26115026577579803,
    0.051467694068848824,
    0.04656662371200638,
    -0.03991961371345904,
    -0.028580238008967484,
    -0.310597998850539,
    -0.2816196598106559,
    -0.16221509133902295,
    -0.1134335062561908,
    0.056906754505972976,
    0.20556094278175208,
    0.031210903261951722,
    0.11783454977324807,
    -0.30074470345673515,
    -0.25086205124905364,
    -0.10697655305071173,
    -0.1676629653566633,
    0.07652179672679026,
    0.2384436101014209,
    0.05098824710425295,
    0.23376683275770763,
    -0.3124994438598714,
    -0.24466390229976895,
    -0.15233360968176304,
    -0.13364801927002265,
    0.15034123667148605,
    0.1771034595618739,
    0.09171474495532636,
    0.2862564322724241,
    -0.2956669761082364,
    -0.2794636847744987,
    -0.2171949775624642,
    -0.03642832045363503,
    0.19749817638948236,
    0.13219637416382657,
    0.11949452949335211,
    0.3077745216848708,
    -0.19679768523712615,
    -0.18758596761476884,
    -0.12846733993007,
    0.06223409652294339,
];

/// `lstm h`, shape [4, 2, 4].
const LSTM_H: [f64; 32] = [
    -0.2656304098186341,
    0.03570418925221171,
    0.16061904179479905,
    0.16868921773373016,
    -0.20030357488672004,
    -0.007698674780277731,
    0.1735750842968539,
    0.2130859821777161,
    0.04834798134417117,
    0.008775597578181193,
    -0.27224627692367753,
    -0.5138847691464626,
    0.09396105974739595,
    -0.03383834470986894,
    -0.20281028645946522,
    -0.36039775528890566,
    0.20170779911573752,
    0.11767160207605705,
    0.11150196045166678,
    0.3724219235122815,
    0.19749817638948236,
    0.13219637416382657,
    0.11949452949335211,
    0.3077745216848708,
    -0.3042876273276844,
    -0.2826933778240415,
    -0.16259867025028107,
    -0.13031393653333592,
    -0.310597998850539,
    -0.2816196598106559,
    -0.16221509133902295,
    -0.1134335062561908,
];

/// `lstm c`, shape [4, 2, 4].
const LSTM_C: [f64; 32] = [
    -0.7225090079605336,
    0.07694542338835016,
    0.23279310156729474,
    0.1974518737629491,
    -0.6223558419919595,
    -0.019060956469098334,
    0.2414317530774704,
    0.24048436238772306,
    0.24788187218272062,
    0.028556397573269138,
    -0.6691248988234417,
    -1.4102034855388128,
    0.27680975675070174,
    -0.10704600268190473,
    -0.8079530468026199,
    -1.3830018402615067,
    0.3007912309287685,
    0.2188548882045861,
    0.2733576066938544,
    1.035164008540809,
    0.2895879057075986,
    0.2503364650672396,
    0.27973333274429973,
    0.8151496896705376,
    -0.537161080037091,
    -0.8176964970327885,
    -0.23481962253370067,
    -0.19304589270084477,
    -0.5679908952831758,
    -0.745710363883304,
    -0.24499084452189146,
    -0.15917471442962405,
];

/// `gru y`, shape [5, 2, 8].
const GRU_Y: [f64; 80] = [
    -0.09402631265940109,
    0.32326571730160847,
    0.24942130810902857,
    -0.4989500477843203,
    0.6654595690236853,
    0.010493113887003164,
    0.47787720455837734,
    -0.13293919826328815,
    0.14863857900566166,
    -0.40498756512622314,
    -0.1986846474711698,
    -0.568099187911029,
    0.3653594344603191,
    0.4762921020700945,
    0.2737044617549112,
    0.20228623909333932,
    -0.38135152888643997,
    0.08138340070514793,
    -0.25527396547376713,
    -0.5780801449980644,
    0.5984636279767759,
    -0.18930922240299441,
    0.4316437936940631,
    -0.3645426569922685,
    0.11573130549177185,
    -0.666558458920861,
    -0.3249919991344947,
    -0.6477422422047207,
    0.5800800690604242,
    0.2650136764390498,
    0.416032928018704,
    0.09806164469704903,
    -0.616833905675616,
    -0.014401986538338157,
    -0.7379093130565642,
    -0.4481388011056996,
    0.49112549406458733,
    -0.2888696908452901,
    0.32838699116926207,
    -0.5642818962656353,
    -0.12000568816540785,
    -0.6780726262071058,
    -0.6210060560996331,
    -0.5445197243966646,
    0.5907487707951716,
    -0.038676728480975905,
    0.4589842752413494,
    -0.07498247421798263,
    -0.7026980391062859,
    -0.03835175764002233,
    -0.9047809409136226,
    -0.29807690632321693,
    0.31380371196031065,
    -0.19194732608858128,
    0.16709205996226473,
    -0.5613620289673201,
    -0.39099821609464547,
    -0.5259760854536707,
    -0.8540533169927523,
    -0.38161264965933384,
    0.4681079213053285,
    -0.14747794914680598,
    0.3736254398528612,
    -0.17217606462895355,
    -0.6584972449951142,
    -0.15857947795197044,
    -0.9193609151961877,
    -0.2042003257254878,
    0.00815270196664275,
    -0.2197126842858183,
    -0.08717059278639994,
    -0.46376887814871365,
    -0.4941007089069973,
    -0.3658352842181417,
    -0.9272307072291784,
    -0.22762999873044332,
    0.20477433864644212,
    -0.06578490735787479,
    0.2283437874113391,
    -0.05044198011351586,
];

/// `gru h`, shape [4, 2, 4].
const GRU_H: [f64; 32] = [
    0.662500545213377,
    -0.37377032699923185,
    0.4225373818525593,
    0.4566104538555367,
    0.6211939445946997,
    -0.2980799769269641,
    0.3671758508832663,
    0.1789169961171183,
    -0.687106643065968,
    -0.6476460737381773,
    -0.08629878097015271,
    0.5509365542017651,
    -0.5484173241434601,
    -0.39528338720568,
    0.14387535258166462,
    0.5773737651407074,
    -0.6584972449951142,
    -0.15857947795197044,
    -0.9193609151961877,
    -0.2042003257254878,
    -0.4941007089069973,
    -0.3658352842181417,
    -0.9272307072291784,
    -0.22762999873044332,
    0.6654595690236853,
    0.010493113887003164,
    0.47787720455837734,
    -0.13293919826328815,
    0.3653594344603191,
    0.4762921020700945,
    0.2737044617549112,
    0.20228623909333932,
];

/// `mha out`, shape [3, 2, 4].
const MHA_OUT: [f64; 24] = [
    0.7345849819746428,
    0.09063663438322933,
    0.013915670506265188,
    0.4442350012595164,
    0.368178376440935,
    0.43494375170230304,
    0.4427600473238607,
    0.17769591651731376,
    0.27554208605005065,
    0.6089896291296198,
    0.5669583825900468,
    0.026172568718692724,
    0.27076153447005324,
    0.7377806479275857,
    0.5950943159516942,
    -0.09751618851183302,
    0.6445245233538552,
    0.18498084021224354,
    0.12108481392967652,
    0.36932519608380054,
    0.3863591297722529,
    0.41893104489745076,
    0.42167549771640944,
    0.18988508259415426,
];

/// `mha weights`, shape [2, 3, 4].
const MHA_WEIGHTS: [f64; 24] = [
    0.5657742056776958,
    0.06415727501128912,
    0.37006851931101514,
    0.0,
    0.23988194352247744,
    0.5717321766276012,
    0.18838587984992128,
    0.0,
    0.392557801368024,
    0.15771333933742354,
    0.4497288592945524,
    0.0,
    0.42115288463560574,
    0.0,
    0.543611388271348,
    0.03523572709304615,
    0.19709655159572997,
    0.0,
    0.09308488422932956,
    0.7098185641749404,
    0.297875051999536,
    0.0,
    0.6541789100877051,
    0.047946037912758824,
];

/// `convt y`, shape [1, 2, 6, 5].
const CONVT_Y: [f64; 60] = [
    0.5923133507556373,
    0.7164074283848956,
    0.9330108007973317,
    0.7604326629881133,
    0.867698527075209,
    0.7334892010842484,
    0.8831550534739887,
    1.3564753237270442,
    0.9987666444536076,
    1.0583954718026185,
    0.8618320719126025,
    0.8634800945274188,
    1.245011477276104,
    0.9230861455621864,
    0.86371144563492,
    1.0116112421428467,
    0.973015635900857,
    1.4167282392425735,
    0.9510199095286838,
    0.7985482985379813,
    0.723562469869887,
    0.6009340167116864,
    0.7236352909744326,
    0.6099178162286756,
    0.44984866389009565,
    0.7500667919937086,
    0.603304599268498,
    0.6583394436649175,
    0.5819894337227103,
    0.4409837175035399,
    0.21629167539913807,
    0.13956756697785128,
    -0.039057154928954174,
    0.24880804192303332,
    0.229778625010045,
    -0.04710376034032149,
    0.010202836501464863,
    -0.22635238796038765,
    0.1788034037269109,
    0.30871426520175527,
    0.11100736790569893,
    0.16303676621729885,
    0.055476396594489386,
    0.27382269057095127,
    0.33093501539122894,
    0.28172060019406464,
    0.45918311147649593,
    0.6541661862624166,
    0.5998757846712044,
    0.7217190969060527,
    0.3654579764975861,
    0.4884530272556621,
    0.571421834966913,
    0.47773702662393425,
    0.5475577494953818,
    0.44321406551757664,
    0.4612226053875874,
    0.5239568770329471,
    0.441144912988309,
    0.3982596281773354,
];

/// `convt2 y`, shape [1, 1, 7, 3].
const CONVT2_Y: [f64; 21] = [
    0.3763918559947685,
    0.44229346957831905,
    0.4137437007543861,
    0.26668979302702756,
    0.3570848148139192,
    0.27998532617011146,
    0.2060592426208783,
    0.2060592426208783,
    0.2060592426208783,
    0.4229864283974699,
    0.42992394581257576,
    0.40286907909712405,
    0.28327531070774203,
    0.34917692429129243,
    0.2761144626667661,
    0.2060592426208783,
    0.2060592426208783,
    0.2060592426208783,
    0.2060592426208783,
    0.2060592426208783,
    0.2060592426208783,
];
