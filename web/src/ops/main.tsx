import { render } from 'preact';
import '../shared/base.css';
import './ops.css';
import { Ops } from './Ops';

render(<Ops />, document.getElementById('ops')!);
