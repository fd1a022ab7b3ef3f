export const apiReferenceRoutes = () => undefined;
