// Plot room: Plotly figure specs from arquero tables, and static PNGs (figures, image grids).
export * from './figure';
export * from './histogram-figure';
export * from './line-figure';
export * from './scatter-figure';
export * from './box-figure';
export * from './bar-figure';
export * from './figure-png';
export * from './image-grid-png';
export { encodePng } from './encode-png';
export * from './heatmap-figure';
